from django.db import models


class Row(models.Model):
    """What the baseline's POST writes: one short text and a time."""

    text = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "bench_baseline_row"
        app_label = "baseline"

    def __str__(self) -> str:
        return self.text
