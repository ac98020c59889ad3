/**
 * A preload (`node --require test/helpers/no-network.cjs …`) that blocks and
 * records every way a Node program can reach the network: TCP and TLS
 * connections (net, tls, http, https, fetch), UDP sockets (dgram), name
 * lookups (dns), and listening on a port. Each attempt is appended to the
 * file named by NO_NETWORK_LOG (one JSON line, with its stack) and fails.
 * Worker threads get the same preload. Local pipes — stdio, IPC — are not
 * network and are left alone.
 */
'use strict';
const fs = require('node:fs');

const LOG = process.env.NO_NETWORK_LOG;

function record(what, detail) {
  const line = JSON.stringify({ pid: process.pid, what, detail: String(detail ?? ''), stack: new Error().stack.split('\n').slice(2, 9).join('\n') });
  if (LOG) fs.appendFileSync(LOG, `${line}\n`);
  const error = new Error(`network access blocked by the privacy test: ${what} ${detail ?? ''}`);
  error.code = 'ENETUNREACH';
  return error;
}

const describe = (args) => {
  const first = args[0];
  if (first && typeof first === 'object') return JSON.stringify({ host: first.host ?? first.hostname, port: first.port, path: first.path, href: first.href });
  return args.filter((a) => typeof a !== 'function').map(String).join(' ');
};

/** Is this a connection to a local path (a pipe or Unix socket for IPC), not to a network address? */
function isLocalPath(args) {
  const first = args[0];
  if (typeof first === 'string' && Number.isNaN(Number(first))) return true;
  if (first && typeof first === 'object' && typeof first.path === 'string' && first.port === undefined && first.host === undefined) return true;
  return false;
}

const net = require('node:net');
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const normalized = Array.isArray(args[0]) ? args[0] : args;
  if (isLocalPath(normalized)) return originalConnect.apply(this, args);
  throw record('net.connect', describe(normalized));
};
for (const name of ['connect', 'createConnection']) {
  const original = net[name];
  net[name] = function (...args) {
    if (isLocalPath(args)) return original.apply(this, args);
    throw record(`net.${name}`, describe(args));
  };
}
const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listen(...args) {
  if (isLocalPath(args)) return originalListen.apply(this, args);
  throw record('net.Server.listen', describe(args));
};

const tls = require('node:tls');
tls.connect = (...args) => {
  throw record('tls.connect', describe(args));
};

const dgram = require('node:dgram');
dgram.createSocket = (...args) => {
  throw record('dgram.createSocket', describe(args));
};

const dns = require('node:dns');
for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'reverse']) {
  if (typeof dns[name] === 'function') {
    dns[name] = (...args) => {
      throw record(`dns.${name}`, describe(args));
    };
  }
  if (dns.promises && typeof dns.promises[name] === 'function') {
    dns.promises[name] = async (...args) => {
      throw record(`dns.promises.${name}`, describe(args));
    };
  }
}

for (const module of ['node:http', 'node:https']) {
  const http = require(module);
  for (const name of ['request', 'get']) {
    http[name] = (...args) => {
      throw record(`${module.slice(5)}.${name}`, describe(args));
    };
  }
}

if (typeof globalThis.fetch === 'function') {
  globalThis.fetch = async (input) => {
    throw record('fetch', typeof input === 'string' ? input : (input && input.url) || '');
  };
}

// Worker threads: the same preload in each.
const workerThreads = require('node:worker_threads');
const OriginalWorker = workerThreads.Worker;
workerThreads.Worker = class extends OriginalWorker {
  constructor(file, options = {}) {
    const execArgv = [...(options.execArgv ?? process.execArgv)];
    if (!execArgv.includes(__filename)) execArgv.unshift('--require', __filename);
    super(file, { ...options, execArgv });
  }
};
