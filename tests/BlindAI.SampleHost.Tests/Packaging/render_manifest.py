#!/usr/bin/python3
"""Renders a Gramine manifest template as gramine-manifest does, for the sample host's packaging tests.

    /usr/bin/python3 render_manifest.py TEMPLATE --pkglibdir DIR -D name=value [-D name=value ...]

prints one JSON object: {"manifest": the rendered TOML text, "argv": loader.argv, "env": loader.env}.

The rendering is gramine-manifest's own (graminelibos' make_env and Manifest.from_template): Jinja2 with
StrictUndefined and keep_trailing_newline, the -D defines as variables split at the first '=', and the template's
`gramine` helpers (libos, pkglibdir, runtimedir). The result is parsed with tomllib, the TOML parser of the standard
library (Gramine itself parses with tomli, from which tomllib was taken). Gramine's other globals (`python`, `env`,
`ldd`) are left out on purpose: they read the build machine, so a template that used them would make MRENCLAVE depend
on where it was built; here such a template fails to render (StrictUndefined) and the tests with it.

Needs Jinja2 and MarkupSafe on PYTHONPATH (eng/assets/fetch-test-assets.sh unpacks Debian's packages for them).
Exits 1 with the reason on stderr when the template does not render or the result is not TOML.
"""

import argparse
import json
import pathlib
import sys
import tomllib

import jinja2


class Runtimedir:
    """gramine.runtimedir(libc='glibc'): the folder of Gramine's patched C library, callable and printable."""

    def __init__(self, pkglibdir):
        self._pkglibdir = pkglibdir

    def __call__(self, libc='glibc'):
        return (self._pkglibdir / 'runtime' / libc).resolve()

    def __str__(self):
        return str(self())

    def __truediv__(self, other):
        return self() / other


def parse_define(text):
    name, separator, value = text.partition('=')
    if not separator or not name:
        raise argparse.ArgumentTypeError(f"a define must be name=value, got {text!r}")
    return name, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('template', type=pathlib.Path)
    parser.add_argument('--pkglibdir', type=pathlib.Path, required=True,
                        help="Gramine's package library folder (Debian: /usr/lib/x86_64-linux-gnu/gramine)")
    parser.add_argument('-D', '--define', type=parse_define, action='append', default=[])
    args = parser.parse_args()

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    environment.globals['gramine'] = {
        'libos': args.pkglibdir / 'libsysdb.so',
        'pkglibdir': args.pkglibdir,
        'runtimedir': Runtimedir(args.pkglibdir),
    }

    try:
        rendered = environment.from_string(args.template.read_text(encoding='utf-8')).render(**dict(args.define))
    except jinja2.TemplateError as error:
        print(f"render_manifest: {args.template} does not render: {type(error).__name__}: {error}", file=sys.stderr)
        return 1

    try:
        manifest = tomllib.loads(rendered)
    except tomllib.TOMLDecodeError as error:
        print(f"render_manifest: the rendered manifest is not TOML: {error}\n{rendered}", file=sys.stderr)
        return 1

    loader = manifest.get('loader', {})
    json.dump({'manifest': rendered, 'argv': loader.get('argv'), 'env': loader.get('env')}, sys.stdout)
    return 0


if __name__ == '__main__':
    sys.exit(main())
