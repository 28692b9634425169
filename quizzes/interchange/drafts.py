"""What every importer produces and the import service consumes: questions as plain data."""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class OptionDraft:
    text: str
    fraction: Decimal = Decimal(0)
    feedback: str = ""
    is_myth: bool = False
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionDraft:
    key: str
    qtype: str
    prompt: str
    explanation: str
    source: str
    difficulty: int = 2
    tags: tuple[str, ...] = ()
    options: tuple[OptionDraft, ...] = ()
    config: dict = field(default_factory=dict)
    # Where the question starts in its file, for error messages.
    line: int = 0

    def content_hash(self) -> str:
        """A fingerprint of what a version stores; tags and the key are not part of a version."""
        payload = {
            "qtype": self.qtype,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "source": self.source,
            "difficulty": self.difficulty,
            "config": self.config,
            "options": [
                [o.text, str(o.fraction.normalize()), o.feedback, o.is_myth, o.data]
                for o in self.options
            ],
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BankDraft:
    slug: str
    title: str
    topic: str
    description: str
    questions: tuple[QuestionDraft, ...]


@dataclass(frozen=True)
class Problem:
    """Something in an input file that stops it from being imported."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message
