"""Executes exported lessons through the attn Jupyter kernel and compares.

Run by scripts/test-jupyter (it sets JUPYTER_PATH to a temporary kernel spec).
Each code cell's outputs after execution must equal the ones `attn export`
recorded: the same text, the same pictures, the same errors; an exported
notebook holds no solution. Then a kernel client checks completion,
inspection, an error reply, an interrupt, and an exercise answered and
checked in the kernel (--no-client leaves the client out).
"""
import copy
import sys
import time

import nbformat
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient


def comparable(outputs):
    """The parts of outputs the kernel must reproduce exactly."""
    result = []
    for output in outputs:
        kind = output["output_type"]
        if kind == "stream":
            result.append(("stream", output["text"]))
        elif kind in ("display_data", "execute_result"):
            data = output["data"]
            result.append(("data", data.get("text/plain"), data.get("image/svg+xml"), data.get("text/html")))
        elif kind == "error":
            result.append(("error", output["evalue"]))
    return result


def check_notebook(path):
    expected = nbformat.read(path, as_version=4)
    notebook = copy.deepcopy(expected)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(notebook, kernel_name="attn", timeout=120, allow_errors=True).execute()
    answers = [cell for cell in expected.cells if "answer" in cell.metadata.get("tags", [])]
    for cell in answers:
        if any(line.strip() and not line.startswith("#") for line in cell.source.splitlines()):
            sys.exit(f"{path}: the answer cell {cell.id} is not empty: {cell.source!r}")
    cells = 0
    for want, got in zip(expected.cells, notebook.cells):
        if want.cell_type != "code":
            continue
        cells += 1
        if comparable(want.outputs) != comparable(got.outputs):
            sys.exit(f"{path}: cell {want.id} differs:\n  source: {want.source!r}\n  want: {comparable(want.outputs)!r}\n  got:  {comparable(got.outputs)!r}")
    print(f"jupyter: {path}: {cells} code cells executed through the kernel, outputs as exported")


def reply(client, message_id):
    while True:
        message = client.get_shell_msg(timeout=60)
        if message["parent_header"].get("msg_id") == message_id:
            return message["content"]


def check_client():
    manager, client = start_new_kernel(kernel_name="attn")
    try:
        content = reply(client, client.execute("q = [1, 0]\nK = [[1, 0], [0, 1]]"))
        assert content["status"] == "ok", content
        completion = reply(client, client.complete("sof", 3))
        assert "softmax" in completion["matches"], completion
        inspection = reply(client, client.inspect("softmax", 3))
        assert inspection["found"] and "temperature" in inspection["data"]["text/plain"], inspection
        # Cells expected to fail say stop_on_error=False: otherwise Jupyter (as
        # "Run all" wants) aborts requests that arrive just after the error,
        # and whether the next one arrives in time is a race.
        error = reply(client, client.execute("attend(q, [[1, 2, 3]])", stop_on_error=False))
        assert error["status"] == "error" and "differ" in error["evalue"], error
        # Interrupt a long cell; the variables stay.
        message_id = client.execute(
            "A = randn(1500, 1500, seed: 1)\nfor i in range(1000) { B = A @ A }", stop_on_error=False
        )
        time.sleep(2)
        manager.interrupt_kernel()
        interrupted = reply(client, message_id)
        assert interrupted["status"] == "error" and "interrupted" in interrupted["evalue"], interrupted
        after = reply(client, client.execute("sum(q)"))
        assert after["status"] == "ok", after
        print("jupyter: completion, inspection, errors and interrupt work through a kernel client")
        check_exercise(client)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def streamed(client, code):
    """The text a cell streams, and its reply."""
    message_id = client.execute(code, stop_on_error=False)
    text = ""
    while True:
        message = client.get_iopub_msg(timeout=60)
        if message["parent_header"].get("msg_id") != message_id:
            continue
        if message["msg_type"] == "stream":
            text += message["content"]["text"]
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return text


def check_exercise(client):
    """An exercise of lesson 3 answered in the kernel: wrong, hinted, right."""
    assert "its exercises: pick-the-diagonal" in streamed(client, ":lesson 3")
    streamed(client, "U = [[1, 0], [0, 1], [0.7, 0.7], [-1, 0]]\nq3 = [1, 1]")
    wrong = streamed(client, 'check("pick-the-diagonal")')
    assert wrong.startswith("✗ pick-the-diagonal: not yet"), wrong
    assert streamed(client, ":hint pick-the-diagonal").startswith("hint: "), "no hint"
    streamed(client, "q3 = 5 * [1, 1]")
    right = streamed(client, 'check("pick-the-diagonal")')
    assert right.startswith("✓ pick-the-diagonal"), right
    print("jupyter: an exercise is checked in the kernel (✗, a hint, then ✓)")


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--no-client"]
    for notebook_path in arguments:
        check_notebook(notebook_path)
    if "--no-client" not in sys.argv:
        check_client()
