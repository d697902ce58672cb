package main

import (
	"testing"

	"github.com/clusterdemo/clusterdemo/server/httpapi"
	"github.com/clusterdemo/clusterdemo/server/plugin"
)

// Every benchmark route is for system admins only: they hold and free locks
// and read the process's figures. (The router applies each route's rule;
// the product's tests show it does so for added routes too.)
func TestEveryBenchRouteIsAdminOnly(t *testing.T) {
	routes := benchRoutes(plugin.Host{})
	if len(routes) == 0 {
		t.Fatal("no benchmark routes")
	}
	for _, rt := range routes {
		if rt.Access != httpapi.AdminOnly || rt.JSON == nil {
			t.Errorf("%s %s: access %d, JSON handler %v; want an AdminOnly JSON route", rt.Method, rt.Path, rt.Access, rt.JSON != nil)
		}
	}
}
