module example.com/ver/v2

go 1.21
