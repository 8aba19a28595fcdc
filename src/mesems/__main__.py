from mesems.cli import main

main()
