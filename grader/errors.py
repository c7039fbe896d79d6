class UngradableError(Exception):
    """The input cannot be graded. The message is one line that says what to do."""
