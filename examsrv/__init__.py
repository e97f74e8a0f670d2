"""examsrv: timed online exams and lookup-speed trials for CSR certification."""

__version__ = "0.1.0"
