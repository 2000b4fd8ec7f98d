"""The refusals every app's services raise with a message meant for the user."""


class SubmissionError(Exception):
    """A move the data's state does not allow (a return's, a project import's); the message is meant
    for the user."""


class StaleEditError(SubmissionError):
    """Someone else changed the rows while this change was being made: nothing was saved."""

    def __init__(
        self, message: str = "本单位本月数据已被他人修改，请刷新页面，在最新数据上重新填写后再保存。"
    ):
        super().__init__(message)
