from portal_archive.cli import main

main(prog_name="portal-archive")
