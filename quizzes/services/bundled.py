"""Loading the banks that ship with psoasquiz (`manage.py load_banks`)."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from quizzes.interchange.bankdir import read_bank_dir
from quizzes.models.banks import Visibility
from quizzes.services.banks import ImportReport, bank_upsert, diagram_upsert, questions_import
from quizzes.services.quizzes import quiz_upsert_from_draft


class BankFilesInvalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the bank files; nothing was loaded.")
        self.problems = problems


@dataclass
class LoadReport:
    banks: dict[str, ImportReport] = field(default_factory=dict)
    quizzes: list[str] = field(default_factory=list)
    diagrams: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(r.changed for r in self.banks.values())


def bundled_banks_load(*, folder: Path, dry_run: bool = False) -> LoadReport:
    """Load every bank file and diagram in `folder`, all or nothing.

    Raises BankFilesInvalid (and writes nothing) when any file has a problem. With `dry_run`,
    everything is written and then rolled back, so the report says what a real run would do.
    """
    bank_dir = read_bank_dir(folder)
    problems = bank_dir.problems()
    if problems:
        raise BankFilesInvalid(problems)
    report = LoadReport()
    with transaction.atomic():
        for slug, diagram in bank_dir.diagrams.items():
            svg = Path(bank_dir.diagram_sources[slug]).read_text(encoding="utf-8")
            diagram_upsert(slug=slug, title=diagram.title or slug, svg=svg, regions=diagram.regions)
            report.diagrams.append(slug)
        loaded = []
        for bank_file in bank_dir.banks.values():
            draft = bank_file.bank
            bank = bank_upsert(
                slug=draft.slug,
                title=draft.title,
                topic=draft.topic,
                description=draft.description,
                owner=None,
                visibility=Visibility.PUBLIC,
            )
            report.banks[draft.slug] = questions_import(bank=bank, drafts=draft.questions)
            loaded.append((bank, bank_file))
        # Quizzes last: a draw may name a tag or bank that another file brings.
        for bank, bank_file in loaded:
            for quiz_draft in bank_file.quizzes:
                quiz_upsert_from_draft(draft=quiz_draft, bank=bank, owner=None)
                report.quizzes.append(quiz_draft.slug)
        if dry_run:
            transaction.set_rollback(True)
    return report
