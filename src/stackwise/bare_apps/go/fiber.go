// Bare Fiber with the generated service's server settings.
package main

import (
	"log"
	"os"

	"github.com/gofiber/fiber/v3"
)

func main() {
	app := fiber.New()
	app.Get("/health", func(c fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	log.Fatal(app.Listen(":"+os.Getenv("PORT"), fiber.ListenConfig{DisableStartupMessage: true}))
}
