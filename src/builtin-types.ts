/**
 * @internal Loads every module of pliant that registers a symbolic type (its hyper values,
 * TensorFlow.js layers and optimizers, programs), then records those types as pliant's own: a
 * journal of format 3 records a space made of them and leaves the candidates out of its trial
 * events (see tuning/candidate-deriver.ts), so every process that reads journals must know them.
 * The package's entry and the `pliant` command import it; a test checks that it registers every
 * type the whole package does.
 */
import './hyper/one-of.js';
import './hyper/many-of.js';
import './hyper/floatv.js';
import './hyper/intv.js';
import './hyper/custom.js';
import './tf/layers.js';
import './tf/optimizers.js';
import './tf/sequential.js';
import './tf/graph.js';
import './programs/program.js';
import './programs/program-decision.js';
import { markBuiltinTypes } from './tuning/candidate-deriver.js';

markBuiltinTypes();
