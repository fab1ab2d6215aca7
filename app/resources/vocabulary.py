"""The words of resources: their kinds, and the open licences they can carry."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "code": _l("Code"),
    "tool": _l("Outil"),
    "guide": _l("Guide"),
    "dataset": _l("Jeu de données"),
    "template": _l("Modèle"),
    "link": _l("Lien"),
    "file": _l("Fichier"),
}

# (SPDX id, label): the State's own licence first, then common code and data ones.
# Labels with French words are translated; the others are names.
LICENCES = (
    ("etalab-2.0", _l("Licence Ouverte 2.0 (Etalab)")),
    ("MIT", "MIT"),
    ("Apache-2.0", "Apache 2.0"),
    ("GPL-3.0-or-later", _l("GNU GPL v3 ou ultérieure")),
    ("AGPL-3.0-or-later", _l("GNU AGPL v3 ou ultérieure")),
    ("LGPL-3.0-or-later", _l("GNU LGPL v3 ou ultérieure")),
    ("MPL-2.0", "Mozilla Public License 2.0"),
    ("EUPL-1.2", "EUPL 1.2"),
    ("BSD-3-Clause", _l("BSD 3 clauses")),
    ("CECILL-2.1", "CeCILL 2.1"),
    ("CC-BY-4.0", "Creative Commons BY 4.0"),
    ("CC-BY-SA-4.0", "Creative Commons BY-SA 4.0"),
    ("CC0-1.0", _l("CC0 1.0 (domaine public)")),
    ("ODbL-1.0", "ODbL 1.0 (Open Database License)"),
)
LICENCE_LABELS = dict(LICENCES)
NO_LICENCE = _l("Non précisée")


def licence_label(licence: str) -> str:
    """The readable name of a licence id ("" means not stated)."""
    return str(LICENCE_LABELS.get(licence, licence) if licence else NO_LICENCE)
