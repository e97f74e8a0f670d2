from examsrv.cli import main

main()
