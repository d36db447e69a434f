"""Add synthetic patients with assessments, for tests, demonstrations and benchmarks."""

from __future__ import annotations

import textwrap
from argparse import RawDescriptionHelpFormatter
from datetime import date

from django.conf import settings
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.utils import timezone

from decision.synthetic import cases
from decision.synthetic.services import SeedSummary, synthetic_patients_seed


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's help layout, keeping the line breaks of the description."""


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=" " * len(indent))


def _distribution() -> str:
    """The help's description of the data, from the figures the generator uses."""
    node = cases.NODE_POSITIVE
    extrahepatic = ", ".join(
        f"{name.replace('_', ' ')} {_percent(share)}" for name, share in cases.EXTRAHEPATIC.items()
    )
    resectability = ", ".join(f"{k} {_percent(v)}" for k, v in cases.RESECTABILITY.items())
    per_patient = ", ".join(f"{k}: {_percent(v)}" for k, v in cases.ASSESSMENTS_PER_PATIENT.items())
    first_encounter = [
        f"synchronous {_percent(cases.SHARE_SYNCHRONOUS)} (of these, the primary was "
        f"resected after the liver diagnosis in "
        f"{_percent(cases.SHARE_SYNCHRONOUS_PRIMARY_RESECTED)}); otherwise the primary was "
        "resected 1-60 months before",
        f"fit for surgery {_percent(cases.SHARE_FIT)}; symptomatic primary "
        f"{_percent(cases.SHARE_SYMPTOMATIC)} of primaries still in place",
        f"node-positive primary {_percent(node[True])}, node-negative "
        f"{_percent(node[False])}, unknown {_percent(node[None])}",
        f"liver tumor count 1 plus a geometric number (rate {cases.COUNT_RATE:g}, at most "
        f"40), unknown {_percent(cases.SHARE_UNKNOWN_COUNT)}",
        f"largest tumor log-normal (median {cases.SIZE_MEDIAN_CM:g} cm, sigma "
        f"{cases.SIZE_SIGMA:g}), unknown {_percent(cases.SHARE_UNKNOWN_SIZE)}",
        f"CEA log-normal (median {cases.CEA_MEDIAN:g} ng/mL, sigma {cases.CEA_SIGMA:g}), "
        f"unknown {_percent(cases.SHARE_UNKNOWN_CEA)}",
        f"extrahepatic disease, each independently: {extrahepatic}",
        f"staging complete {_percent(cases.SHARE_STAGING_COMPLETE)}; resectability {resectability}",
    ]
    paragraphs = [
        "The data are SYNTHETIC, invented to exercise every rule, list and filter of the "
        "app. The shares below are not epidemiological figures and have no clinical "
        "meaning.",
        f"Patients: MRN {cases.MRN_PREFIX}<seed>-<7 digits> (a prefix reserved for "
        f'synthetic patients: the patient form refuses it), given name "{cases.GIVEN_NAME}", '
        f"an invented family name, age {cases.AGE_YEARS[0]}-{cases.AGE_YEARS[1]} at the "
        f"first encounter, which is {cases.HISTORY_DAYS[0]}-{cases.HISTORY_DAYS[1]} days "
        "before --as-of. Everything is marked synthetic and written by the inactive account "
        '"synthetic".',
        "First encounter:\n" + "\n".join(_wrap(item, "  - ") for item in first_encounter),
        f"Assessments per patient ({per_patient}). Each later one is, in "
        f"{_percent(cases.SHARE_CORRECTION)} of cases, a correction that supersedes the one "
        "before with a reason (an unknown value filled in, or a re-measured tumor); "
        "otherwise a new encounter 14-90 days later (staging completed, resectability "
        "decided, sometimes a new CEA). Every assessment is evaluated by the rules service "
        "and stored with its content hash and its audit events.",
    ]
    return "\n\n".join(p if p.startswith("First") else _wrap(p) for p in paragraphs)


class Command(BaseCommand):
    help = (
        _wrap(
            "Add synthetic patients, each with 1-3 assessments and their audit events, after "
            "those of the same seed already present. The same --seed and --as-of always give "
            "the same patients. Refused when DJANGO_DEBUG is false unless --force."
        )
        + "\n\n"
        + _distribution()
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, required=True, help="How many patients to add.")
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help=f"Which synthetic population, 0-{cases.MAX_SEED} (default: 1).",
        )
        parser.add_argument(
            "--as-of",
            dest="as_of",
            type=date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="Every encounter is before this date (default: today).",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=1000,
            help="Patients written per transaction (default: 1000).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though the configuration is a production one (DJANGO_DEBUG=false).",
        )

    def handle(
        self,
        *args,
        patients: int,
        seed: int,
        as_of: date | None,
        batch: int,
        force: bool,
        **options,
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to add synthetic patients: this is a production configuration "
                "(DJANGO_DEBUG is false). Synthetic patients must never be mixed with real "
                "ones. If this database is only for testing or benchmarking, run again "
                "with --force."
            )
        if patients < 1:
            raise CommandError("--patients must be at least 1.")
        if not 0 <= seed <= cases.MAX_SEED:
            raise CommandError(f"--seed must be between 0 and {cases.MAX_SEED}.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        summary = synthetic_patients_seed(
            count=patients,
            seed=seed,
            as_of=as_of or timezone.localdate(),
            batch_size=batch,
            progress=self._progress(patients),
        )
        self._report(summary)

    def _progress(self, total: int):
        def report(summary: SeedSummary) -> None:
            rate = summary.patients / summary.seconds if summary.seconds else 0.0
            left = (total - summary.patients) / rate if rate else 0.0
            self.stdout.write(
                f"  {summary.patients:>9,} / {total:,} patients  "
                f"{rate:,.0f} patients/s  about {left:,.0f} s left"
            )

        return report

    def _report(self, summary: SeedSummary) -> None:
        last = summary.first_index + summary.patients - 1
        rate = summary.patients / summary.seconds if summary.seconds else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {summary.patients:,} synthetic patients (seed {summary.seed}, numbers "
                f"{summary.first_index}-{last}) with {summary.assessments:,} assessments "
                f"({summary.corrections:,} corrections) and {summary.events:,} audit events "
                f"in {summary.seconds:.1f} s ({rate:,.0f} patients/s)."
            )
        )
        self.stdout.write("Latest assessment per patient, by recommendation:")
        for code, number in sorted(summary.latest_recommendations.items()):
            self.stdout.write(f"  {code:<36} {number:>9,}")
