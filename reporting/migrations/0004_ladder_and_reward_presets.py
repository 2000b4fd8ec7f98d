"""Ship the escalation ladders of seeds 001, 002 and 003 and seed 002's quarterly reward tiers."""

from django.db import migrations

from reporting import presets


def install_presets(apps, schema_editor):
    Ladder = apps.get_model("reporting", "Ladder")
    LadderStep = apps.get_model("reporting", "LadderStep")
    RewardTier = apps.get_model("reporting", "RewardTier")
    for preset in (presets.LADDER_SEED_001, presets.LADDER_SEED_002, presets.LADDER_SEED_003):
        ladder, _ = Ladder.objects.get_or_create(name=preset.name, defaults={"source": preset.source})
        for step in preset.steps:
            LadderStep.objects.get_or_create(
                ladder=ladder,
                level=step.level,
                defaults={
                    "min_consecutive": step.min_consecutive,
                    "on_half_year_bottom": step.on_half_year_bottom,
                    "action": step.action,
                    "interviewer": step.interviewer,
                    "interviewee": step.interviewee,
                    "venue": step.venue,
                },
            )
    for tier in presets.REWARD_TIERS_SEED_002:
        RewardTier.objects.get_or_create(
            name="季度考评奖励",
            first_place=tier.first_rank,
            defaults={"last_place": tier.last_rank, "amount": tier.amount_wan},
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_ladder_step_venue")]

    operations = [migrations.RunPython(install_presets, migrations.RunPython.noop)]
