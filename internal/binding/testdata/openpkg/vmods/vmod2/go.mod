module example.com/vmod

go 1.21
