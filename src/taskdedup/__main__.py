from taskdedup.cli import main

main()
