module example.com/vuser

go 1.21

require example.com/vmod v1.1.0

replace example.com/vmod v1.1.0 => ../vmod2
