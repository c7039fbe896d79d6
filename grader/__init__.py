"""``python -m grader``: grade a learner's notebook, regenerate chapters/, run a classroom.

nbgrader is the engine; this package configures it (see ``grader.config``),
wraps it in throwaway course directories, and reports results in one table.
"""
