from django.core.management.base import BaseCommand, CommandError

from quizzes import optimizing
from quizzes.models import Classroom, FitStatus
from quizzes.selectors.fitting import class_review_history
from quizzes.services.fitting import FitRefused, class_parameters_fit

NO_SUCH_CLASS = "There is no class with id {id}."
CHOOSE_CLASSES = "Name a class with --class ID, or fit every class with --all."
SOME_FAILED = "The fit failed for {count} of the classes (see above)."


class Command(BaseCommand):
    help = (
        "Fit the FSRS memory model to a class's review history and use it for the class's "
        "students (needs: pip install -r requirements-optimizer.txt). --dry-run fits and "
        "prints the result without storing anything."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--class", dest="class_id", type=int, help="the class's id")
        which.add_argument("--all", action="store_true", help="every class, one after another")
        parser.add_argument(
            "--dry-run", action="store_true", help="fit and report, but change nothing"
        )

    def handle(self, *args, class_id=None, all=False, dry_run=False, **options):
        if class_id is None and not all:
            raise CommandError(CHOOSE_CLASSES)
        if class_id is not None:
            classrooms = list(Classroom.objects.filter(pk=class_id))
            if not classrooms:
                raise CommandError(NO_SUCH_CLASS.format(id=class_id))
        else:
            classrooms = list(Classroom.objects.order_by("pk"))
        if not optimizing.optimizer_available():
            self.stderr.write(optimizing.OPTIMIZER_MISSING)
        failed = 0
        for classroom in classrooms:
            self.stdout.write(f"{classroom.name} (class {classroom.pk}):")
            ok = self._dry_run(classroom) if dry_run else self._fit(classroom)
            failed += not ok
        if failed:
            raise CommandError(SOME_FAILED.format(count=failed))

    def _progress(self, percent: int, stage: str) -> None:
        self.stdout.write(f"  {percent:3d}% {stage}")

    def _fit(self, classroom: Classroom) -> bool:
        try:
            fit = class_parameters_fit(classroom=classroom, progress=self._progress)
        except FitRefused as refusal:
            self.stdout.write(f"  {refusal}")
            return False
        self.stdout.write(f"  {fit.get_status_display()}: {fit.message}")
        if fit.log_loss_before is not None:
            self._scores(
                fit.log_loss_before,
                fit.log_loss_after,
                fit.rmse_before,
                fit.rmse_after,
                fit.evaluated_reviews,
            )
        if fit.status == FitStatus.DONE:
            self.stdout.write("  The class's students are now scheduled with these parameters.")
        return fit.status != FitStatus.FAILED

    def _dry_run(self, classroom: Classroom) -> bool:
        try:
            result = optimizing.fit(class_review_history(classroom), progress=self._progress)
        except RuntimeError as error:
            self.stdout.write(f"  Failed: {error}")
            return False
        self.stdout.write(f"  {result.message}")
        if result.before is not None and result.after is not None:
            self._scores(
                result.before.log_loss,
                result.after.log_loss,
                result.before.rmse,
                result.after.rmse,
                result.after.count,
            )
        if result.parameters:
            self.stdout.write("  Parameters: " + ", ".join(f"{p:.4f}" for p in result.parameters))
        self.stdout.write("  Dry run: nothing was stored.")
        return True

    def _scores(self, loss_before, loss_after, rmse_before, rmse_after, count) -> None:
        self.stdout.write(
            f"  On {count:,} held-out reviews: log loss {loss_before:.3f} → {loss_after:.3f}, "
            f"RMSE {rmse_before:.3f} → {rmse_after:.3f} (defaults → fitted)"
        )
