from orggraph.cli import main

main()
