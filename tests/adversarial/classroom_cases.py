"""Classroom adversarial submissions: tricks only the sandbox (or the batch runner) can stop.

Each student in one course tries one trick against chapter 00; the whole class
is graded in one sandboxed ``classroom autograde`` run, then each test checks
its student. Attack cells print one JSON line starting with ``PROBE`` so the
tests can read what the code managed to do from the autograded notebook.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import nbformat
from nbformat import NotebookNode

from grader.paths import REPO_ROOT
from tests.adversarial.submissions import CH0, add_cell, learner

PROBE = "PROBE"


@dataclass
class Student:
    name: str
    trick: str
    defence: str
    expected: float | None  # exact score, None: not a number to check (see the test)
    files: dict  # file name in submitted/NAME/00_start_here/ -> bytes


def _with_cell(source: str, after: str = "normalize") -> bytes:
    notebook = add_cell(learner(CH0), after, source)
    return nbformat.writes(notebook).encode()


def _notebook(notebook: NotebookNode) -> bytes:
    return nbformat.writes(notebook).encode()


READ_SECRETS = f'''
import json, os, glob
found = {{}}
candidates = ["{REPO_ROOT}/solutions/00_start_here/00_start_here.ipynb", "{REPO_ROOT}/.git/HEAD"]
candidates += glob.glob("/*/*/solutions") + glob.glob("/home/*/*") + ["/root/.ssh", "/root/.bash_history"]
for line in open("/proc/self/mountinfo"):
    parts = line.split()
    if parts[4].startswith("/home/learner"):
        course = os.path.dirname(os.path.dirname(os.path.dirname(parts[3])))
        candidates += [os.path.join(course, "source/00_start_here/00_start_here.ipynb"),
                       os.path.join(course, "gradebook.db"), os.path.join(course, "submitted")]
for path in candidates + ["/etc/shadow"]:
    if path.startswith("/home/learner"):
        continue  # the submission's own folder
    try:
        found[path] = open(path, "rb").read(64).hex() if os.path.isfile(path) else os.listdir(path)
    except Exception as error:
        found[path] = type(error).__name__
print("{PROBE}", json.dumps(found))
'''

NETWORK = f'''
import json, socket, urllib.request
result = {{}}
for name, attempt in [("tcp", lambda: socket.create_connection(("1.1.1.1", 53), timeout=3)),
                      ("dns", lambda: socket.getaddrinfo("example.org", 80)),
                      ("http", lambda: urllib.request.urlopen("http://example.org", timeout=3))]:
    try:
        attempt()
        result[name] = "reached"
    except Exception as error:
        result[name] = type(error).__name__
print("{PROBE}", json.dumps(result))
'''

FORK_BOMB = f'''
import json, os, time
children = 0
try:
    for _ in range(5000):
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        children += 1
except OSError as error:
    stopped = type(error).__name__
else:
    stopped = "never"
print("{PROBE}", json.dumps({{"children": children, "stopped": stopped}}))
'''

MEMORY_BOMB = f'''
import json
try:
    hog = bytearray(6 * 1024 ** 3)
    result = "allocated"
except MemoryError:
    result = "MemoryError"
print("{PROBE}", json.dumps({{"memory": result}}))
'''

KILL_EVERYTHING = f'''
import json, os, signal
results = {{}}
for name, target in [("everyone", -1), ("parent", os.getppid()), ("init", 1)]:
    try:
        os.kill(target, signal.SIGKILL)
        results[name] = "sent"
    except Exception as error:
        results[name] = type(error).__name__
print("{PROBE}", json.dumps(results))
'''

SYMLINK = f'''
import json, os
result = {{}}
for line in open("/proc/self/mountinfo"):
    parts = line.split()
    if parts[4].startswith("/home/learner"):
        course = os.path.dirname(os.path.dirname(os.path.dirname(parts[3])))
        target = os.path.join(course, "gradebook.db")
        try:
            if os.path.exists("00_start_here.ipynb"):
                os.remove("00_start_here.ipynb")
            os.symlink(target, "00_start_here.ipynb")
            result["planted"] = target
        except Exception as error:
            result["planted"] = type(error).__name__
print("{PROBE}", json.dumps(result))
'''

XSS = '''
from IPython.display import HTML, Javascript, display
display(HTML("<b>bold</b><script>document.title = 'pwned'</script><img src=x onerror=alert(1)>"))
display(Javascript("alert('pwned')"))
'''

LEAK_TESTS = '''
import linecache, sys
def normalize(x):
    x = np.asarray(x, dtype=np.float64)
    caller = sys._getframe(1).f_code.co_filename
    print("".join(linecache.getlines(caller)))
    return (x - x.mean()) / x.std()
'''

HASH_AND_RNG = '''
import random
def normalize(x):
    x = np.asarray(x, dtype=np.float64)
    wobble = ((hash("dlcourse") % 5) + np.random.rand() + random.random()) * 1e-13
    return (x - x.mean()) / x.std() + wobble
'''


def _leaky_notebook() -> bytes:
    notebook = learner(CH0, {"normalize": LEAK_TESTS})
    notebook = add_cell(notebook, "test_normalize_values", "print(''.join(In))\n")
    return _notebook(notebook)


def _renamed() -> dict:
    return {"my copy of chapter 0.ipynb": _notebook(learner(CH0))}


STUDENTS = [
    Student("honest", "a correct submission", "full marks", 3, {"00_start_here.ipynb": _notebook(learner(CH0))}),
    Student("blank", "the release, untouched", "0 with a reason", 0,
            {"00_start_here.ipynb": _notebook(learner(CH0, correct=False))}),
    Student("reader", "reads the hidden tests, the gradebook and other students' work from disk",
            "not visible in the sandbox", 3, {"00_start_here.ipynb": _with_cell(READ_SECRETS, "first")}),
    Student("network", "sends data over the network", "no network in the sandbox", 3,
            {"00_start_here.ipynb": _with_cell(NETWORK, "first")}),
    Student("forker", "a fork bomb", "process limit; everything dies with the kernel", 3,
            {"00_start_here.ipynb": _with_cell(FORK_BOMB, "first")}),
    Student("hog", "allocates 6 GiB", "memory limit: MemoryError in that cell", 3,
            {"00_start_here.ipynb": _with_cell(MEMORY_BOMB, "first")}),
    Student("killer", "kill -9 every process it can see", "own PID namespace and uid: nothing to kill", 3,
            {"00_start_here.ipynb": _with_cell(KILL_EVERYTHING, "first")}),
    Student("symlinker", "replaces its notebook with a symlink to the gradebook, for root to write through",
            "the folder is taken back (symlinks removed) before nbgrader writes", 3,
            {"00_start_here.ipynb": _with_cell(SYMLINK, "test_normalize_values")}),
    Student("scripter", "HTML and JavaScript outputs for formgrader (XSS against the instructor)",
            "scripts removed from outputs and answers", 3, {"00_start_here.ipynb": _with_cell(XSS, "first")}),
    Student("leaker", "prints the running test's source (and In[]) so feedback shows hidden tests",
            "test cells run outside the input history; feedback withholds any output quoting a hidden line", 3,
            {"00_start_here.ipynb": _leaky_notebook()}),
    Student("renamer", "submits the notebook under another name", "graded, with a note", 3, _renamed()),
    Student("absent", "a submission folder without the notebook", "0 with a reason", 0,
            {"notes.txt": b"I forgot the notebook"}),
    Student("garbled", "a notebook that is not valid JSON", "0 with a reason, the batch goes on", 0,
            {"00_start_here.ipynb": b'{"cells": ['}),
] + [
    Student(f"repeat{i:02d}", "the same submission, whose result depends on hash() and the RNG, graded 10 times",
            "the same score every time", None,
            {"00_start_here.ipynb": _notebook(learner(CH0, {"normalize": HASH_AND_RNG}))})
    for i in range(10)
]


def probe(notebook: NotebookNode) -> dict:
    """The JSON a PROBE cell printed, from an autograded notebook."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if output.get("output_type") == "stream" and PROBE in text:
                return json.loads(text.split(PROBE, 1)[1].strip().splitlines()[0])
    raise AssertionError("the probe cell printed nothing")
