# The generated type stubs: present next to the package, valid Python, and carrying every field name.
import ast
import os

import smbconform


def _read(name):
    path = os.path.join(os.path.dirname(smbconform.__file__), name)
    assert os.path.isfile(path), f"{name} was not generated next to the package"
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_client_stub_lists_request_fields():
    text = _read("client.pyi")
    tree = ast.parse(text)
    client = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Client")
    sends = [f for f in client.body if isinstance(f, ast.FunctionDef) and f.name == "send"]
    assert len(sends) == len(smbconform.REQUEST_NAMES) + 1     # one overload per request + the generic one
    lock = next(f for f in sends if "LOCK" in ast.unparse(f.args.args[1].annotation))
    kw = [a.arg for a in lock.args.kwonlyargs]
    assert {"lock_sequence", "file_id", "locks"} <= set(kw)
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    assert {"LockSequenceArgs", "LockElementArgs", "FileIdFields", "CreateResponseFields"} <= classes


def test_core_stub_is_valid():
    ast.parse(_read("_core.pyi"))
