"""Progress output for long management commands (demo data, imports, matching)."""

import time


class ProgressBar:
    """Draws ``label [#####.....] 12/60`` on one line in a terminal, and prints
    a line every tenth of the way when the output is not a terminal (CI logs)."""

    width = 30

    def __init__(self, stdout, label, total):
        self.stdout = stdout
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self.started = time.monotonic()
        self.interactive = getattr(stdout, "isatty", lambda: False)()
        self._last_reported_tenth = -1

    def advance(self, steps=1):
        self.done = min(self.done + steps, self.total)
        if self.interactive:
            filled = int(self.width * self.done / self.total) if self.total else self.width
            bar = "#" * filled + "." * (self.width - filled)
            self.stdout.write(f"\r  {self.label} [{bar}] {self.done}/{self.total}", ending="")
            self.stdout.flush()
        else:
            tenth = int(10 * self.done / self.total) if self.total else 10
            if tenth != self._last_reported_tenth:
                self._last_reported_tenth = tenth
                self.stdout.write(f"  {self.label}: {self.done}/{self.total}")

    def finish(self):
        elapsed = time.monotonic() - self.started
        if self.interactive:
            self.stdout.write("")
        self.stdout.write(f"  {self.label}: {self.done}/{self.total} done in {elapsed:.1f}s")
