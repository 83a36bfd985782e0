"""Progress for commands: a bar on stderr when it is a terminal, nothing otherwise.

The same `progress(done, total)` callable shape as a running job's reporter, so a service
that reports progress serves both the queue and the command line.
"""

import sys
import time


class TerminalProgress:
    WIDTH = 30

    def __init__(self, stream=None, *, label="", every=0.1):
        # A command's self.stderr wraps the stream and would end every write with a newline.
        self.stream = getattr(stream, "_out", stream) or sys.stderr
        self.label = label
        self.every = every
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._shown = 0.0
        self._drawn = False

    def __call__(self, done, total):
        if not self.enabled:
            return
        if time.monotonic() - self._shown < self.every and done < total:
            return
        self._shown = time.monotonic()
        filled = self.WIDTH * done // total if total else 0
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label}[{bar}] {done}/{total}")
        self.stream.flush()
        self._drawn = True

    def close(self):
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
