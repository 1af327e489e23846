from taskdedup.cli import main

# Guarded: tokeniser worker processes are spawned, and a spawned child imports this module again.
if __name__ == "__main__":
    main()
