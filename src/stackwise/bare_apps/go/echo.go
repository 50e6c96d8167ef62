// Bare Echo with the generated service's server settings: StartConfig, ReadHeaderTimeout.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v5"
)

func main() {
	e := echo.New()
	e.GET("/health", func(c *echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	start := echo.StartConfig{
		Address:    ":" + os.Getenv("PORT"),
		HideBanner: true,
		HidePort:   true,
		BeforeServeFunc: func(s *http.Server) error {
			s.ReadHeaderTimeout = 10 * time.Second
			return nil
		},
	}
	log.Fatal(start.Start(context.Background(), e))
}
