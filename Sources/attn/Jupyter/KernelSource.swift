/// The Jupyter kernel: a small Python wrapper kernel (ipykernel's documented
/// way to add a language) that starts `attn serve --stdio` and relays each
/// request; `attn jupyter install` writes it next to its kernel.json.
///
/// Why a wrapper and not a native kernel: Jupyter's protocol is ZeroMQ with
/// signed messages, heartbeats and five channels; ipykernel implements all of
/// it and is on the package registry, while attn keeps one small JSON Lines
/// protocol that editors and tests can use too.
enum KernelSource {
  static let python = #"""
    """The attn kernel for Jupyter: relays cells to `attn serve --stdio`.

    Written by `attn jupyter install`, and shipped as `attn_kernel.kernel` in
    the attn-kernel wheel; needs Python 3 with ipykernel.
    """
    import json
    import os
    import shutil
    import signal
    import subprocess
    import sys

    from ipykernel.kernelapp import IPKernelApp
    from ipykernel.kernelbase import Kernel


    def attn_binary():
        """The attn to run: $ATTN_BINARY (attn jupyter install sets it), else
        the one shipped beside this file in the wheel, else attn on the PATH."""
        if os.environ.get("ATTN_BINARY"):
            return os.environ["ATTN_BINARY"]
        shipped = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "attn")
        if os.access(shipped, os.X_OK):
            return shipped
        return shutil.which("attn") or "attn"


    class AttnKernel(Kernel):
        implementation = "attn"
        implementation_version = "1"
        language = "attn"
        language_version = "1"
        language_info = {
            "name": "attn",
            "mimetype": "text/x-attn",
            "file_extension": ".attn",
            "pygments_lexer": "attn",
            "codemirror_mode": "python",
        }
        banner = "attn: neural attention at a prompt"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.attn = subprocess.Popen(
                [attn_binary(), "serve", "--stdio", "--no-color"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
            self.next_id = 0

        def request(self, **fields):
            self.next_id += 1
            fields["id"] = self.next_id
            self.attn.stdin.write(json.dumps(fields) + "\n")
            self.attn.stdin.flush()
            line = self.attn.stdout.readline()
            if not line:
                raise RuntimeError("attn stopped (exit status %s)" % self.attn.poll())
            return json.loads(line)

        def _send_interrupt_children(self):
            # Interrupt the cell running in attn; its variables stay.
            self.attn.send_signal(signal.SIGINT)

        def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False, **kwargs):
            reply = self.request(execute=code)
            if not silent:
                for output in reply.get("outputs", []):
                    if output["type"] == "stream":
                        self.send_response(self.iopub_socket, "stream", {"name": "stdout", "text": output["text"] + "\n"})
                        continue
                    data = {"text/plain": output["text"]}
                    if "svg" in output:
                        data["image/svg+xml"] = output["svg"]
                    if "html" in output:
                        data["text/html"] = output["html"]
                    self.send_response(self.iopub_socket, "display_data", {"data": data, "metadata": {}})
            if reply.get("status") == "error":
                error = reply.get("error", {})
                content = {
                    "ename": "attn",
                    "evalue": error.get("message", ""),
                    "traceback": error.get("text", "").split("\n"),
                }
                if not silent:
                    self.send_response(self.iopub_socket, "error", content)
                return dict(status="error", execution_count=self.execution_count, **content)
            return {"status": "ok", "execution_count": self.execution_count, "payload": [], "user_expressions": {}}

        def do_complete(self, code, cursor_pos):
            reply = self.request(complete=code, cursor=cursor_pos)
            return {
                "status": "ok",
                "matches": reply.get("matches", []),
                "cursor_start": reply.get("start", cursor_pos),
                "cursor_end": reply.get("end", cursor_pos),
                "metadata": {},
            }

        def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
            reply = self.request(inspect=code, cursor=cursor_pos)
            data = {"text/plain": reply["text"]} if reply.get("found") else {}
            return {"status": "ok", "found": bool(reply.get("found")), "data": data, "metadata": {}}

        def do_is_complete(self, code):
            reply = self.request(is_complete=code)
            status = reply.get("status", "unknown")
            return {"status": status, "indent": "  " if status == "incomplete" else ""}

        def do_shutdown(self, restart):
            self.attn.stdin.close()
            try:
                self.attn.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.attn.kill()
            return {"status": "ok", "restart": restart}


    if __name__ == "__main__":
        IPKernelApp.launch_instance(kernel_class=AttnKernel)
    """#
}
