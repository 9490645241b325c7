#!/usr/bin/env python3
"""Checks an audit report (`ownerlock audit verify --html`) with a real parser:
the page is well-formed XHTML (xml.etree), its four plots are SVG with a
title each, the heat map has 7 x 24 cells, and the page says how many
records it covers. Exit 0 when it holds, 1 with the reason otherwise.

usage: check-html.py REPORT RECORDS"""
import sys
import xml.etree.ElementTree as ET

NS = {"h": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg"}


def main():
    path, records = sys.argv[1], sys.argv[2]
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        print("check-html: %s: not well-formed: %s" % (path, e))
        return 1
    if root.tag != "{%s}html" % NS["h"]:
        print("check-html: %s: the root is %s, not XHTML's html" % (path, root.tag))
        return 1
    svgs = root.findall(".//s:svg", NS)
    if len(svgs) != 4:
        print("check-html: %s: %d plots, not 4" % (path, len(svgs)))
        return 1
    for svg in svgs:
        if svg.find("s:title", NS) is None:
            print("check-html: %s: a plot without a title" % path)
            return 1
    cells = [r for r in svgs[3].findall("s:rect", NS)]
    if len(cells) != 7 * 24:
        print("check-html: %s: the heat map has %d cells, not 168" % (path, len(cells)))
        return 1
    text = "".join(root.itertext())
    if "(%s)" % records not in text:
        print("check-html: %s: does not say it covers %s records" % (path, records))
        return 1
    return 0


sys.exit(main())
