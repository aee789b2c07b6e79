/**
 * Training kernels for TensorFlow.js's wasm backend (4.22), which cannot train a convolutional
 * network as shipped: it has no `Conv2DBackpropFilter` kernel at all (`model.fit` of any model
 * with a `conv2d` throws "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"), and
 * its `Conv2DBackpropInput`, `MaxPoolGrad` and transposed `BatchMatMul` are naive loops, 4 to 10
 * times slower than the forward kernels. `installWasmTrainingKernels(tf)` registers:
 *
 * - `Conv2DBackpropFilter`: the filter gradient as one XNNPACK convolution (the batch becomes the
 *   channels: `conv2d(transpose(x), transpose(dy))` with the strides as dilations);
 * - `Conv2DBackpropInput` (stride 1): a convolution of `dy` with the flipped, transposed filter;
 * - `MaxPoolGrad`: one pass in JavaScript over the wasm heap, the gradient going to the first
 *   maximum of each window (as TensorFlow and the cpu backend do);
 * - `BatchMatMul` with `transposeA` / `transposeB`: a transpose, then XNNPACK's plain product;
 * - `UnsortedSegmentSum`, which the wasm backend lacks: the gradient of a gather, so an
 *   `embedding` layer trains;
 * - `DepthwiseConv2dNativeBackpropInput` and `DepthwiseConv2dNativeBackpropFilter`, which it lacks
 *   too: the gradients of a depthwise convolution, so `separableConv2d` and `depthwiseConv2d`
 *   layers train.
 *
 * Each gives the cpu backend's result (checked in test/unit/tf/wasm-kernels.test.ts); a typical
 * small CNN trains about 4 times faster than with the stock kernels. `loadTf` installs them when
 * it makes the wasm backend ready; other backends are untouched, and installing twice is harmless.
 *
 * @internal
 */
import type { TfModule } from './load-tf.js';
import type * as Tfjs from '@tensorflow/tfjs';

type TensorInfo = Tfjs.TensorInfo;
type Attrs = Record<string, unknown>;
type Kernel = (args: { inputs: Record<string, TensorInfo> | TensorInfo[]; backend: WasmBackend; attrs?: Attrs }) => TensorInfo | TensorInfo[];

/** The geometry of a depthwise convolution. */
interface DepthwiseInfo {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  /** The channel multiplier. */
  readonly mult: number;
  readonly fH: number;
  readonly fW: number;
  readonly sH: number;
  readonly sW: number;
  readonly dH: number;
  readonly dW: number;
  readonly top: number;
  readonly left: number;
}

/** The parts of the wasm backend the kernels use. */
interface WasmBackend {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: Tfjs.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

const BACKEND = 'wasm';
const installed = new WeakSet<object>();

/**
 * Registers the wasm training kernels described above in `tf`'s kernel registry (once per
 * TensorFlow.js module). Call it after `loadTf()`; it does nothing when the wasm backend is not
 * registered.
 */
export function installWasmTrainingKernels(tf: TfModule): void {
  if (installed.has(tf) || tf.findBackendFactory(BACKEND) === null) return;
  installed.add(tf);
  const kernel = (name: string): Kernel => {
    const config = tf.getKernel(name, BACKEND) as { kernelFunc: unknown } | undefined;
    if (config === undefined) throw new Error(`installWasmTrainingKernels: the wasm backend has no ${name} kernel`);
    return config.kernelFunc as Kernel;
  };
  const one = (k: Kernel, args: Parameters<Kernel>[0]): TensorInfo => k(args) as TensorInfo;
  const conv = kernel('Conv2D');
  const transpose = kernel('Transpose');
  const slice = kernel('Slice');
  const reverse = kernel('Reverse');
  const original = { backpropInput: kernel('Conv2DBackpropInput'), matMul: kernel('BatchMatMul'), maxPoolGrad: kernel('MaxPoolGrad') };
  const replace = (kernelName: string, kernelFunc: Kernel): void => {
    if (tf.getKernel(kernelName, BACKEND) !== undefined) tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc: kernelFunc as unknown as Tfjs.KernelFunc });
  };
  /** Runs `body` with a list for intermediate results, disposed after it. */
  const scoped = <T>(backend: WasmBackend, body: (keep: (t: TensorInfo) => TensorInfo) => T): T => {
    const temps: TensorInfo[] = [];
    try {
      return body((t) => (temps.push(t), t));
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  const nhwc = (format: unknown): boolean => format === undefined || format === null || format === 'NHWC';

  // dW[a, b, ci, co] = Σ_{n,y,x} xpad[n, y·sh + a, x·sw + b, ci] · dy[n, y, x, co]: a convolution of
  // x as [ci, H, W, n] with dy as the filter [oh, ow, n, co], dilated by the strides.
  replace('Conv2DBackpropFilter', ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as Record<string, TensorInfo>;
    const a = attrs as Attrs;
    if (!nhwc(a.dataFormat)) throw new Error('Conv2DBackpropFilter (wasm): only the NHWC data format is supported');
    const info = tf.backend_util.computeConv2DInfo(
      (x as TensorInfo).shape as [number, number, number, number],
      a.filterShape as [number, number, number, number],
      a.strides as [number, number],
      1,
      a.pad as 'same',
      a.dimRoundingMode as 'floor' | undefined,
      false,
      'channelsLast',
    );
    const { inChannels, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth, inHeight, inWidth, padInfo } = info;
    return scoped(backend, (keep) => {
      const xt = keep(one(transpose, { inputs: { x: x as TensorInfo }, backend, attrs: { perm: [3, 1, 2, 0] } }));
      const dyt = keep(one(transpose, { inputs: { x: dy as TensorInfo }, backend, attrs: { perm: [1, 2, 0, 3] } }));
      const bottom = Math.max(0, (outHeight - 1) * strideHeight + filterHeight - inHeight - padInfo.top);
      const right = Math.max(0, (outWidth - 1) * strideWidth + filterWidth - inWidth - padInfo.left);
      const pad = [
        [0, 0],
        [padInfo.top, bottom],
        [padInfo.left, right],
        [0, 0],
      ];
      const out = keep(
        one(conv, { inputs: { x: xt, filter: dyt }, backend, attrs: { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [strideHeight, strideWidth] } }),
      );
      const cut =
        out.shape[1] === filterHeight && out.shape[2] === filterWidth
          ? out
          : keep(one(slice, { inputs: { x: out }, backend, attrs: { begin: [0, 0, 0, 0], size: [inChannels, filterHeight, filterWidth, outChannels] } }));
      return one(transpose, { inputs: { x: cut }, backend, attrs: { perm: [1, 2, 0, 3] } });
    });
  });

  // Stride 1: dx = conv(dy padded, W flipped in space with its channels swapped).
  replace('Conv2DBackpropInput', (args) => {
    const { inputs, backend } = args;
    const { dy, filter } = inputs as Record<string, TensorInfo>;
    const a = args.attrs as Attrs;
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape as [number, number, number, number],
      (filter as TensorInfo).shape as [number, number, number, number],
      a.strides as [number, number],
      1,
      a.pad as 'same',
      a.dimRoundingMode as 'floor' | undefined,
      false,
      'channelsLast',
    );
    const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
    const top = filterHeight - 1 - padInfo.top;
    const left = filterWidth - 1 - padInfo.left;
    const bottom = inHeight + filterHeight - 1 - outHeight - top;
    const right = inWidth + filterWidth - 1 - outWidth - left;
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || !nhwc(a.dataFormat) || Math.min(top, left, bottom, right) < 0) return original.backpropInput(args);
    return scoped(backend, (keep) => {
      const flipped = keep(one(reverse, { inputs: { x: filter as TensorInfo }, backend, attrs: { dims: [0, 1] } }));
      const w = keep(one(transpose, { inputs: { x: flipped }, backend, attrs: { perm: [0, 1, 3, 2] } }));
      const pad = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      return one(conv, { inputs: { x: dy as TensorInfo, filter: w }, backend, attrs: { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] } });
    });
  });

  // The gradient goes to the first maximum of each window (row-major), added up where windows overlap.
  replace('MaxPoolGrad', (args) => {
    const { inputs, backend } = args;
    const { dy, input } = inputs as Record<string, TensorInfo>;
    const a = args.attrs as Attrs;
    if ((input as TensorInfo).dtype !== 'float32') return original.maxPoolGrad(args);
    const info = tf.backend_util.computePool2DInfo(
      (input as TensorInfo).shape as [number, number, number, number],
      a.filterSize as [number, number],
      a.strides as [number, number],
      1,
      a.pad as 'same',
      a.dimRoundingMode as 'floor' | undefined,
    );
    const {
      batchSize,
      inHeight: H,
      inWidth: W,
      inChannels: C,
      outHeight,
      outWidth,
      strideHeight,
      strideWidth,
      effectiveFilterHeight,
      effectiveFilterWidth,
      padInfo,
    } = info;
    const out = backend.makeOutput([...(input as TensorInfo).shape], 'float32');
    // Views after makeOutput: it may grow the wasm memory, which detaches older views.
    const xs = backend.typedArrayFromHeap(input as TensorInfo);
    const dys = backend.typedArrayFromHeap(dy as TensorInfo);
    const dxs = backend.typedArrayFromHeap(out);
    dxs.fill(0);
    const best = new Float32Array(C);
    const at = new Int32Array(C);
    for (let b = 0; b < batchSize; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        const y0 = Math.max(0, oy * strideHeight - padInfo.top);
        const y1 = Math.min(H, oy * strideHeight - padInfo.top + effectiveFilterHeight);
        for (let ox = 0; ox < outWidth; ox++) {
          const x0 = Math.max(0, ox * strideWidth - padInfo.left);
          const x1 = Math.min(W, ox * strideWidth - padInfo.left + effectiveFilterWidth);
          best.fill(-Infinity);
          at.fill(-1);
          for (let y = y0; y < y1; y++) {
            for (let x = x0; x < x1; x++) {
              const base = ((b * H + y) * W + x) * C;
              for (let c = 0; c < C; c++) {
                const v = xs[base + c] as number;
                if (v > (best[c] as number)) {
                  best[c] = v;
                  at[c] = base + c;
                }
              }
            }
          }
          const o = ((b * outHeight + oy) * outWidth + ox) * C;
          for (let c = 0; c < C; c++) {
            const i = at[c] as number;
            if (i >= 0) dxs[i] = (dxs[i] as number) + (dys[o + c] as number);
          }
        }
      }
    }
    return out;
  });

  // Tile by block copies (the stock kernel computes every output index; the batch-norm gradient
  // tiles a per-channel vector to the full activation shape).
  const originalTile = kernel('Tile');
  replace('Tile', (args) => {
    const { inputs, backend } = args;
    const { x } = inputs as Record<string, TensorInfo>;
    const reps = (args.attrs as Attrs).reps as number[];
    const shape = (x as TensorInfo).shape;
    if ((x as TensorInfo).dtype !== 'float32' || shape.length === 0 || reps.length !== shape.length) return originalTile(args);
    const outShape = shape.map((d, i) => d * (reps[i] as number));
    const out = backend.makeOutput(outShape, 'float32');
    const src = backend.typedArrayFromHeap(x as TensorInfo);
    const dst = backend.typedArrayFromHeap(out);
    const rank = shape.length;
    const inStride = new Array<number>(rank).fill(1);
    const outStride = new Array<number>(rank).fill(1);
    for (let i = rank - 2; i >= 0; i--) {
      inStride[i] = (inStride[i + 1] as number) * (shape[i + 1] as number);
      outStride[i] = (outStride[i + 1] as number) * (outShape[i + 1] as number);
    }
    const fill = (axis: number, from: number, to: number): void => {
      const n = shape[axis] as number;
      if (axis === rank - 1) dst.set(src.subarray(from, from + n), to);
      else for (let i = 0; i < n; i++) fill(axis + 1, from + i * (inStride[axis] as number), to + i * (outStride[axis] as number));
      const block = n * (outStride[axis] as number);
      for (let r = 1; r < (reps[axis] as number); r++) dst.copyWithin(to + r * block, to, to + block);
    };
    if (dst.length > 0) fill(0, 0, 0);
    return out;
  });

  // Sums and means over the leading axes (per-channel reductions: bias and batch-norm gradients)
  // in one pass; the stock kernels transpose the reduced axes to the end first.
  const leading = (name: 'Sum' | 'Mean'): void => {
    const stock = kernel(name);
    replace(name, (args) => {
      const { inputs, backend } = args;
      const { x } = inputs as Record<string, TensorInfo>;
      const a = args.attrs as Attrs;
      const shape = (x as TensorInfo).shape;
      const rank = shape.length;
      const axes = [a.axis as number | number[]]
        .flat()
        .map((d) => (d < 0 ? d + rank : d))
        .sort((p, q) => p - q);
      const k = axes.length;
      if ((x as TensorInfo).dtype !== 'float32' || k === 0 || k === rank || axes.some((d, i) => d !== i)) return stock(args);
      const rows = shape.slice(0, k).reduce((p, q) => p * q, 1);
      const cols = shape.slice(k).reduce((p, q) => p * q, 1);
      const out = backend.makeOutput(a.keepDims === true ? [...shape.slice(0, k).map(() => 1), ...shape.slice(k)] : shape.slice(k), 'float32');
      const src = backend.typedArrayFromHeap(x as TensorInfo);
      const dst = backend.typedArrayFromHeap(out);
      const acc = new Float64Array(cols);
      for (let r = 0; r < rows; r++) {
        const base = r * cols;
        for (let c = 0; c < cols; c++) acc[c] = (acc[c] as number) + (src[base + c] as number);
      }
      const scale = name === 'Mean' ? 1 / rows : 1;
      for (let c = 0; c < cols; c++) dst[c] = (acc[c] as number) * scale;
      return out;
    });
  };
  leading('Sum');
  leading('Mean');

  // The gradients of a depthwise convolution (a separableConv2d or depthwiseConv2d layer), which
  // the wasm backend lacks: without them no such layer trains on wasm. Direct loops over the wasm
  // heap, in the cpu backend's order of summation.
  const depthwiseInfo = (xShape: number[], filterShape: number[], attrs: Attrs): DepthwiseInfo => {
    const info = tf.backend_util.computeConv2DInfo(
      xShape as [number, number, number, number],
      filterShape as [number, number, number, number],
      attrs.strides as number | [number, number],
      (attrs.dilations ?? 1) as number | [number, number],
      attrs.pad as 'valid' | 'same' | number,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
      true,
    );
    return {
      batch: info.batchSize,
      inH: info.inHeight,
      inW: info.inWidth,
      inC: info.inChannels,
      outH: info.outHeight,
      outW: info.outWidth,
      mult: info.outChannels / info.inChannels,
      fH: info.filterHeight,
      fW: info.filterWidth,
      sH: info.strideHeight,
      sW: info.strideWidth,
      dH: info.dilationHeight,
      dW: info.dilationWidth,
      top: info.padInfo.top,
      left: info.padInfo.left,
    };
  };
  /** Calls `each(xIndex, dyIndex, filterIndex)` for every product of the convolution. */
  const depthwiseEach = (c: DepthwiseInfo, each: (xi: number, yi: number, fi: number) => void): void => {
    const outC = c.inC * c.mult;
    for (let b = 0; b < c.batch; b++) {
      for (let yR = 0; yR < c.outH; yR++) {
        for (let yC = 0; yC < c.outW; yC++) {
          const yBase = ((b * c.outH + yR) * c.outW + yC) * outC;
          for (let fr = 0; fr < c.fH; fr++) {
            const xR = yR * c.sH - c.top + fr * c.dH;
            if (xR < 0 || xR >= c.inH) continue;
            for (let fc = 0; fc < c.fW; fc++) {
              const xC = yC * c.sW - c.left + fc * c.dW;
              if (xC < 0 || xC >= c.inW) continue;
              const xBase = ((b * c.inH + xR) * c.inW + xC) * c.inC;
              const fBase = (fr * c.fW + fc) * c.inC * c.mult;
              for (let d1 = 0; d1 < c.inC; d1++) {
                for (let q = 0; q < c.mult; q++) each(xBase + d1, yBase + d1 * c.mult + q, fBase + d1 * c.mult + q);
              }
            }
          }
        }
      }
    }
  };
  if (tf.getKernel('DepthwiseConv2dNativeBackpropInput', BACKEND) === undefined) {
    replace('DepthwiseConv2dNativeBackpropInput', ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as Record<string, TensorInfo>;
      const a = attrs as Attrs;
      const xShape = a.inputShape as number[];
      const c = depthwiseInfo(xShape, (filter as TensorInfo).shape, a);
      const out = backend.makeOutput(xShape, 'float32');
      const dyv = backend.typedArrayFromHeap(dy as TensorInfo);
      const fv = backend.typedArrayFromHeap(filter as TensorInfo);
      const dx = backend.typedArrayFromHeap(out);
      dx.fill(0);
      depthwiseEach(c, (xi, yi, fi) => {
        dx[xi] = (dx[xi] as number) + (dyv[yi] as number) * (fv[fi] as number);
      });
      return out;
    });
  }
  if (tf.getKernel('DepthwiseConv2dNativeBackpropFilter', BACKEND) === undefined) {
    replace('DepthwiseConv2dNativeBackpropFilter', ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as Record<string, TensorInfo>;
      const a = attrs as Attrs;
      const filterShape = a.filterShape as number[];
      const c = depthwiseInfo((x as TensorInfo).shape, filterShape, a);
      const out = backend.makeOutput(filterShape, 'float32');
      const xv = backend.typedArrayFromHeap(x as TensorInfo);
      const dyv = backend.typedArrayFromHeap(dy as TensorInfo);
      const dw = backend.typedArrayFromHeap(out);
      dw.fill(0);
      depthwiseEach(c, (xi, yi, fi) => {
        dw[fi] = (dw[fi] as number) + (xv[xi] as number) * (dyv[yi] as number);
      });
      return out;
    });
  }

  // The gradient of a gather (an embedding layer's) is a segment sum, which the wasm backend
  // lacks: without it, no model with an embedding trains on wasm.
  if (tf.getKernel('UnsortedSegmentSum', BACKEND) === undefined) {
    replace('UnsortedSegmentSum', (args) => {
      const { inputs, backend } = args;
      const { x, segmentIds } = inputs as Record<string, TensorInfo>;
      const n = (args.attrs as Attrs).numSegments as number;
      const xInfo = x as TensorInfo;
      const ids = segmentIds as TensorInfo;
      const count = ids.shape.reduce((p, q) => p * q, 1);
      const inner = xInfo.shape.slice(ids.shape.length).reduce((p, q) => p * q, 1);
      const out = backend.makeOutput([n, ...xInfo.shape.slice(ids.shape.length)], xInfo.dtype);
      // Views after makeOutput (it may grow the heap); typed by dtype (an Int32Array for ids).
      const src = backend.typedArrayFromHeap(xInfo);
      const at = backend.typedArrayFromHeap(ids);
      const dst = backend.typedArrayFromHeap(out);
      dst.fill(0);
      for (let i = 0; i < count; i++) {
        const id = at[i] as number;
        if (id < 0 || id >= n) continue; // as TensorFlow: out-of-range ids are dropped
        const from = i * inner;
        const to = id * inner;
        for (let j = 0; j < inner; j++) dst[to + j] = (dst[to + j] as number) + (src[from + j] as number);
      }
      return out;
    });
  }

  // XNNPACK multiplies untransposed operands only; the stock kernel loops for the others.
  replace('BatchMatMul', (args) => {
    const { inputs, backend } = args;
    const a = args.attrs as Attrs;
    if (a.transposeA !== true && a.transposeB !== true) return original.matMul(args);
    return scoped(backend, (keep) => {
      const swap = (t: TensorInfo): TensorInfo => {
        const rank = t.shape.length;
        const perm = Array.from({ length: rank }, (_v, i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));
        return keep(one(transpose, { inputs: { x: t }, backend, attrs: { perm } }));
      };
      const { a: left, b: right } = inputs as Record<string, TensorInfo>;
      return original.matMul({
        inputs: {
          a: a.transposeA === true ? swap(left as TensorInfo) : (left as TensorInfo),
          b: a.transposeB === true ? swap(right as TensorInfo) : (right as TensorInfo),
        },
        backend,
        attrs: { ...a, transposeA: false, transposeB: false },
      });
    });
  });
}
