// cluster/serve.h — the common worker in one call: a server per worker, fed every connection.
//
// Most workers do the same three things: build a server on the worker's loop, hand it each
// connection the cluster takes (WorkerContext::on_connection — in every SCHED mode), and tell
// it to stop gracefully when the primary says so (on_shutdown). serve_connections(make_server)
// is that WorkerMain. The cluster still knows nothing of what the server speaks: any type with
//     void serve(kio::Fd connection);   // adopt one accepted connection
//     void shutdown();                  // stop: close idle connections, finish busy ones
// will do — http::Server has both, so serving HTTP from every core is (http/ is not included
// here; the program that uses both layers includes both):
//
//     cluster::Settings settings;  // the defaults: one worker per core, rr
//     settings.port = 8080;
//     return cluster::run_cluster(settings, cluster::serve_connections(
//         [](cluster::WorkerContext& ctx) {
//           return std::make_unique<http::Server>(ctx.loop(), http::ServerOptions{}, handler);
//         }));
//
// make_server runs once in each worker process, after fork, and returns a std::unique_ptr (or
// std::shared_ptr) to the server; the callbacks registered on the context keep it alive for
// the worker's life. docs/cluster.md §9.
#pragma once

#include <memory>
#include <utility>

#include "cluster/worker.h"
#include "kernel-io/fd.h"

namespace osn::cluster {

template <class MakeServer>
WorkerMain serve_connections(MakeServer make_server) {
  return [make_server = std::move(make_server)](WorkerContext& ctx) {
    auto server = std::shared_ptr(make_server(ctx));  // shared by the two callbacks below
    ctx.on_connection([server](kio::Fd connection) { server->serve(std::move(connection)); });
    ctx.on_shutdown([server] { server->shutdown(); });
  };
}

}  // namespace osn::cluster
