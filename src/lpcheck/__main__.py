from lpcheck.cli import main

main()
