// Bare NestJS (its default Express adapter, as generated) serving GET /health on $PORT,
// for `stackwise bench`'s ratio. Plain JavaScript: the decorators are applied the way
// tsc's output applies them.
import "reflect-metadata";
import { Controller, Get, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";

class HealthController {
  health() {
    return { status: "ok" };
  }
}
const health = Object.getOwnPropertyDescriptor(HealthController.prototype, "health");
Reflect.decorate([Get("health")], HealthController.prototype, "health", health);
Reflect.decorate([Controller()], HealthController);

class AppModule {}
Reflect.decorate([Module({ controllers: [HealthController] })], AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(Number(process.env.PORT));
