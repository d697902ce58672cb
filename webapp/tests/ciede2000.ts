// CIEDE2000 colour difference (Sharma, Wu and Dalal, 2005) and the sRGB to
// CIELAB conversion it needs (D65 white), for the node-colour tests.

export type Lab = readonly [number, number, number];

const rad = Math.PI / 180;

function linear(channel: number): number {
    const v = channel / 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

export function hexToLab(hex: string): Lab {
    const n = parseInt(hex.replace('#', ''), 16);
    const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(linear);
    const x = ((0.4124564 * r) + (0.3575761 * g) + (0.1804375 * b)) / 0.95047;
    const y = (0.2126729 * r) + (0.7151522 * g) + (0.0721750 * b);
    const z = ((0.0193339 * r) + (0.1191920 * g) + (0.9503041 * b)) / 1.08883;
    const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27 * t) + 16) / 116);
    return [(116 * f(y)) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

function hue(b: number, a: number): number {
    if (a === 0 && b === 0) {
        return 0;
    }
    const h = Math.atan2(b, a) / rad;
    return h < 0 ? h + 360 : h;
}

export function ciede2000([l1, a1, b1]: Lab, [l2, a2, b2]: Lab): number {
    const c1 = Math.hypot(a1, b1);
    const c2 = Math.hypot(a2, b2);
    const cMean7 = ((c1 + c2) / 2) ** 7;
    const g = 0.5 * (1 - Math.sqrt(cMean7 / (cMean7 + (25 ** 7))));
    const a1p = (1 + g) * a1;
    const a2p = (1 + g) * a2;
    const c1p = Math.hypot(a1p, b1);
    const c2p = Math.hypot(a2p, b2);
    const h1p = hue(b1, a1p);
    const h2p = hue(b2, a2p);
    const chromaProduct = c1p * c2p;

    let dhp = 0;
    if (chromaProduct !== 0) {
        dhp = h2p - h1p;
        if (dhp > 180) {
            dhp -= 360;
        } else if (dhp < -180) {
            dhp += 360;
        }
    }
    const dL = l2 - l1;
    const dC = c2p - c1p;
    const dH = 2 * Math.sqrt(chromaProduct) * Math.sin(dhp / 2 * rad);

    const lMean = (l1 + l2) / 2;
    const cpMean = (c1p + c2p) / 2;
    let hMean = h1p + h2p;
    if (chromaProduct !== 0) {
        if (Math.abs(h1p - h2p) <= 180) {
            hMean /= 2;
        } else {
            hMean = hMean < 360 ? (hMean + 360) / 2 : (hMean - 360) / 2;
        }
    }
    const t = 1 - (0.17 * Math.cos((hMean - 30) * rad)) + (0.24 * Math.cos(2 * hMean * rad)) +
        (0.32 * Math.cos(((3 * hMean) + 6) * rad)) - (0.20 * Math.cos(((4 * hMean) - 63) * rad));
    const dTheta = 30 * Math.exp(-(((hMean - 275) / 25) ** 2));
    const cp7 = cpMean ** 7;
    const rc = 2 * Math.sqrt(cp7 / (cp7 + (25 ** 7)));
    const sl = 1 + ((0.015 * ((lMean - 50) ** 2)) / Math.sqrt(20 + ((lMean - 50) ** 2)));
    const sc = 1 + (0.045 * cpMean);
    const sh = 1 + (0.015 * cpMean * t);
    const rt = -Math.sin(2 * dTheta * rad) * rc;
    return Math.sqrt(((dL / sl) ** 2) + ((dC / sc) ** 2) + ((dH / sh) ** 2) + (rt * (dC / sc) * (dH / sh)));
}
