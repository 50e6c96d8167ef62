//! The service's layers: the framework layer (`http`) sees only [`service::Service`], which
//! sees only the [`repository::ItemRepository`] and [`events::Publisher`] interfaces.

pub mod api;
pub mod app;
pub mod broker;
pub mod cache;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod healthcheck;
pub mod http;
pub mod logging;
pub mod repository;
pub mod service;
mod shutdown;

#[cfg(test)]
mod fakes;
