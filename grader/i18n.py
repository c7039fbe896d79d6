"""What the grader itself prints, in the language of the notebook's edition.

The English text is the key; an edition lists its translations. Messages
that tests raise are code, shared by both editions, and stay English.
"""
from __future__ import annotations

LANGUAGES = ("en", "zh")

_ZH = {
    "test": "测试",
    "points": "得分",
    "status": "状态",
    "reason": "原因",
    "pass": "通过",
    "fail": "未通过",
    "error": "出错",
    "manual": "人工",
    "Score": "总分",
    "Note": "注意",
    "written answer: graded by a person": "论述题：由教师评分",
    "no answer written": "尚未作答",
    "partial credit": "部分得分",
    "not written yet: a YOUR CODE HERE cell still raises NotImplementedError":
        "尚未完成：YOUR CODE HERE 单元仍在抛出 NotImplementedError",
    "SystemExit: the code called sys.exit() or exit() during the test":
        "SystemExit：代码在测试期间调用了 sys.exit() 或 exit()",
    "YOUR ANSWER HERE": "请在此处作答。",
    "({count} written answer(s) worth {points} points are graded by a person and count 0 here.)":
        "（{count} 道论述题共 {points} 分，由教师评分，此处计 0 分。）",
    "this copy of the course has no solutions/ folder to grade against (a student's server on a JupyterHub "
    "has none). Submit the assignment from the Assignments tab: your instructor's feedback gives the score.":
        "这份课程副本没有可供评分的 solutions/ 文件夹（JupyterHub 上学生的服务器没有它）。"
        "请在 Assignments 标签页提交作业，分数会出现在教师发回的反馈中。",
}
_TRANSLATIONS = {"zh": _ZH}


def tr(text: str, language: str = "en", **values) -> str:
    """``text`` in ``language`` (English when there is no translation), formatted with ``values``."""
    return _TRANSLATIONS.get(language, {}).get(text, text).format(**values)


def notebook_language(metadata: dict) -> str:
    """The edition a notebook belongs to: ``metadata.dlcourse.language``, English otherwise."""
    language = metadata.get("dlcourse", {}).get("language", "en")
    return language if language in LANGUAGES else "en"
