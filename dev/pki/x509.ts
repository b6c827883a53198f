/**
 * @peculiar/x509 prepared for Node: its dependency injection (tsyringe) needs
 * the Reflect metadata polyfill loaded first, and it signs with Node's
 * WebCrypto. Import the library through this module only.
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto);

export * from "@peculiar/x509";
