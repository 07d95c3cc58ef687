"""Run by LibreOffice's own Python (``python3`` with the ``uno`` module), not by the test suite's:
open a .docx in LibreOffice, Accept All or Reject All tracked changes, and print the body's
paragraph texts (table cells in order) as JSON.

    /usr/bin/python3 tests/uno_tracked.py REDLINE.docx accept|reject PROFILE_DIR
"""

import contextlib
import json
import os
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def texts(element, out):
    if element.supportsService("com.sun.star.text.TextTable"):
        for name in element.getCellNames():
            cell = element.getCellByName(name)
            enum = cell.getText().createEnumeration()
            while enum.hasMoreElements():
                texts(enum.nextElement(), out)
    elif element.supportsService("com.sun.star.text.Paragraph"):
        out.append(element.getString())


def main():
    src, mode, profile = sys.argv[1], sys.argv[2], sys.argv[3]
    pipe = f"akword{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            f"-env:UserInstallation={uno.systemPathToFileUrl(os.path.abspath(profile))}",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        ctx = None
        for _ in range(300):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.2)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        url = uno.systemPathToFileUrl(os.path.abspath(src))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        frame = doc.getCurrentController().getFrame()
        helper = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        command = (
            ".uno:AcceptAllTrackedChanges" if mode == "accept" else ".uno:RejectAllTrackedChanges"
        )
        helper.executeDispatch(frame, command, "", 0, ())
        out = []
        enum = doc.getText().createEnumeration()
        while enum.hasMoreElements():
            texts(enum.nextElement(), out)
        print(json.dumps(out))
        doc.close(True)
        with contextlib.suppress(Exception):
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


main()
