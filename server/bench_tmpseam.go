//go:build clusterbench

package main

var extraRoutes []route
