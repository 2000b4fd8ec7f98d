from django.conf import settings


def navigation(request) -> dict:
    return {"deployment_name": settings.DEPLOYMENT_NAME}
