module example.com/recovertest

go 1.21
