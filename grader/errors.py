class UngradableError(Exception):
    """The input cannot be graded. The message is one line that says what to do."""


class ClassroomError(Exception):
    """A one-line reason a classroom command cannot go on; nothing was written."""
