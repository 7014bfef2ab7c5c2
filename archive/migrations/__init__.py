"""Alembic migrations of the archive schema, shipped inside the package.

``archive.db`` runs them (``script_location = archive:migrations``), so no
``alembic.ini`` is needed at run time. Revision 0001 is the schema of the first
release; a database made by it before Alembic was used is stamped 0001 first.
"""
