"""``fastnet demo``: a local web page where a class draws digits for the
course's network and watches it learn.

``preprocess`` turns a drawing into an MNIST-like 28x28 input, ``training``
holds the served network and its training runs, ``server`` is the HTTP
server and JSON API (standard library only), ``command`` the command line.
The page itself is in ``static/`` (no external resources: it works offline).
"""
