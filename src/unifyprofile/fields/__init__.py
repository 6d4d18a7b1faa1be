"""Field types: what each field is, in one object, for every stage.

A :class:`FieldType` carries a field's standardiser, its default comparison, its blocking
rules, its default survivorship and its guard roles (hub, shared by a household, veto).
The stages read the registry when they run (:func:`field_types`) rather than tables of
their own, so adding a field type is adding one module to this package that calls
:func:`register` (see :mod:`unifyprofile.fields.national_id`), or registering one from any
code before a run.

The built-in types are in :mod:`unifyprofile.fields.builtin`.

Examples:
    >>> field_type("sin")
    FieldType('sin', identifier, veto_unless, survivorship=most_recent, blocking=[sin])
    >>> [t.name for t in field_types() if t.identifier]
    ['customer_id', 'loyalty_id', 'device_id', 'ssn', 'sin']
"""

from unifyprofile._fields import (
    FieldType,
    field_type,
    field_types,
    register,
    unregister,
)

__all__ = ["FieldType", "field_type", "field_types", "register", "unregister"]
