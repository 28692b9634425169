"""Reading the bundled banks folder: every `*.yaml` bank file and every `diagrams/*.svg`.

Run `python -m quizzes.interchange.bankdir [FOLDER]` to check the files without a database.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

from quizzes.interchange.bankfile import QUIZ_UNKNOWN_BANK, BankFile, parse_bank_file
from quizzes.interchange.svg import DiagramFile, read_diagram


@dataclass(frozen=True)
class BankDir:
    diagrams: dict[str, DiagramFile]
    # slug of the SVG → its file; bank file path → what it holds.
    diagram_sources: dict[str, str]
    banks: dict[str, BankFile]

    def problems(self) -> list[str]:
        found = []
        for slug, diagram in self.diagrams.items():
            found += [f"{self.diagram_sources[slug]}: {p}" for p in diagram.problems]
        for path, bank_file in self.banks.items():
            found += [f"{path}: {p}" for p in bank_file.problems]
        # A quiz may draw from another file's bank; that bank must be in the folder.
        slugs = {f.bank.slug for f in self.banks.values() if f.bank}
        for path, bank_file in self.banks.items():
            for quiz in bank_file.quizzes:
                for rule in quiz.draws:
                    if rule["bank"] and rule["bank"] not in slugs:
                        message = QUIZ_UNKNOWN_BANK.format(slug=quiz.slug, bank=rule["bank"])
                        found.append(f"{path}: {message}")
        return found


def read_bank_dir(folder: Path) -> BankDir:
    diagrams, sources = {}, {}
    for svg_path in sorted((folder / "diagrams").glob("*.svg")):
        diagrams[svg_path.stem] = read_diagram(svg_path.read_text(encoding="utf-8"))
        sources[svg_path.stem] = str(svg_path)
    regions = {slug: d.regions for slug, d in diagrams.items()}
    banks = {
        str(path): parse_bank_file(path.read_text(encoding="utf-8"), regions)
        for path in sorted(folder.glob("*.yaml"))
    }
    return BankDir(diagrams, sources, banks)


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path("banks")
    bank_dir = read_bank_dir(folder)
    for path, bank_file in bank_dir.banks.items():
        count = len(bank_file.bank.questions) if bank_file.bank else 0
        print(f"{path}: {count} questions, {len(bank_file.quizzes)} quizzes")
    problems = bank_dir.problems()
    for problem in problems:
        print(problem)
    print("no problems" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
