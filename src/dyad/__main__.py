from dyad.cli import main

main()
