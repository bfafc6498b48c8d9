import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { PROJECT_TYPES, type Annotation, type ProjectType } from '../../model';
import { aDef, fixture } from '../../formats/test-support';
import { LabelingError } from '../../errors';
import { labelConfigXml, lsNames } from './config';
import { fromLsPrediction, toLsResult, toTask, type LsItem } from './convert';
import { SAMPLES, SHAPE_PROJECT_TYPES, TEXT } from './test-server';

const LS = ['label-studio-sdk', 'tests', 'custom', 'converter', 'data'];
const src = { file: 'http://backend/predict', field: 'results[0]' };
function close(a: Annotation, b: Annotation): void {
  const round = (x: Annotation): unknown => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v)));
  assert.deepEqual(round(a), round(b));
}

describe('Label Studio config XML', () => {
  it('names one object and one control for every project type, with every label', () => {
    const tags: Record<ProjectType, string> = {
      'text-classification': '<Choices name="choice" toName="text" choice="single">',
      'text-multilabel': '<Choices name="choice" toName="text" choice="multiple">',
      'text-ner': '<Labels name="label" toName="text">',
      'image-classification': '<Choices name="choice" toName="image" choice="single">',
      'image-multilabel': '<Choices name="choice" toName="image" choice="multiple">',
      'image-detection': '<RectangleLabels name="label" toName="image">',
      'image-segmentation': '<PolygonLabels name="label" toName="image">',
      'image-semantic-segmentation': '<BrushLabels name="label" toName="image">',
    };
    for (const type of PROJECT_TYPES) {
      const xml = labelConfigXml(aDef(type, ['a', 'b']));
      assert.ok(xml.startsWith('<View>\n') && xml.endsWith('</View>\n'), type);
      assert.ok(xml.includes(tags[type]), `${type}: ${xml}`);
      assert.ok(xml.includes(type.startsWith('image') ? '<Image name="image" value="$image"/>' : '<Text name="text" value="$text"/>'), type);
      const child = tags[type].startsWith('<Choices') ? 'Choice' : 'Label';
      assert.ok(xml.includes(`<${child} value="a" background="#000000"/>`) && xml.includes(`<${child} value="b"`), type);
    }
  });

  it('escapes label names in attributes', () => {
    const xml = labelConfigXml(aDef('text-ner', ['A&B <"x">', "it's"]));
    assert.ok(xml.includes('value="A&amp;B &lt;&quot;x&quot;&gt;"'), xml);
    assert.ok(xml.includes('value="it&apos;s"'), xml);
  });
});

describe('Label Studio tasks', () => {
  it('a text item carries its text, an image item the URL the caller gives', () => {
    assert.deepEqual(toTask(aDef('text-ner', []), SAMPLES['text-ner'].item, 7, () => 'unused'), { id: 7, data: { text: TEXT } });
    const url = (i: LsItem): string => `http://files/${encodeURIComponent(i.key)}`;
    assert.deepEqual(toTask(aDef('image-detection', []), { key: 'a b.jpg' }, 1, url), { id: 1, data: { image: 'http://files/a%20b.jpg' } });
  });

  it('a text item without text is refused, naming the item', () => {
    assert.throws(() => toTask(aDef('text-classification', []), { key: 'x.csv#3' }, 1, String), /x\.csv#3: a text item has no text/);
  });
});

describe('Label Studio results <-> annotations', () => {
  for (const type of SHAPE_PROJECT_TYPES) {
    it(`${type}: our annotation -> LS result -> ours is the same, with score and model_version`, () => {
      const { item, annotation, labels } = SAMPLES[type];
      const def = aDef(type, labels);
      const result = toLsResult(def, item, annotation);
      const { from, to } = lsNames(type);
      for (const r of result as { from_name: string; to_name: string }[]) assert.deepEqual([r.from_name, r.to_name], [from, to]);
      const back = fromLsPrediction(def, item, { result, score: 0.87, model_version: 'v3' }, src);
      close(back.annotation, annotation);
      assert.equal(back.confidence, 0.87);
      assert.equal(back.modelVersion, 'v3');
      assert.deepEqual(back.problems, []);
    });
  }

  it('detection boxes are written in percent of the image', () => {
    const { item, annotation } = SAMPLES['image-detection'];
    const [r] = toLsResult(aDef('image-detection', ['cat']), item, annotation) as { value: Record<string, number>; original_width: number }[];
    assert.equal(r!.original_width, 640);
    assert.deepEqual([r!.value.x, r!.value.y, r!.value.width, r!.value.height], [1.5625, (20 / 480) * 100, (100.5 / 640) * 100, (50 / 480) * 100]);
  });

  it("a real Label Studio export's rectangle and polygon -> the pixels Label Studio's converter computes", () => {
    const task = JSON.parse(readFileSync(fixture(...LS, 'test_export_coco', 'data.json'), 'utf8'))[0];
    const result = task.annotations[0].result;
    const item = { key: 'test_image1.jpg', width: 500, height: 320 };
    const det = fromLsPrediction(aDef('image-detection', ['rectangle_label']), item, { result: [result[0]] }, src);
    assert.deepEqual(det.annotation, {
      kind: 'boxes',
      boxes: [{ label: 'rectangle_label', x: 159.70961887477313, y: 13.163120567375884, w: 31.76043557168784, h: 31.773049645390074 }],
    });
    const seg = fromLsPrediction(aDef('image-segmentation', ['polygon_label']), item, { result: [result[1]] }, src);
    assert.deepEqual(seg.annotation, {
      kind: 'polygons',
      polygons: [{ label: 'polygon_label', rings: [[208.7114337568058, 11.347517730496454, 207.80399274047187, 39.0354609929078, 226.86025408348456, 39.94326241134752]] }],
    });
    // The whole result on a detection project: the polygon becomes its bounding box, the keypoints are problems.
    const all = fromLsPrediction(aDef('image-detection', ['rectangle_label', 'polygon_label']), item, { result, score: 0.9 }, src);
    assert.equal(all.annotation.kind === 'boxes' && all.annotation.boxes.length, 2);
    assert.equal(all.problems.length, 2);
    assert.ok(all.problems.every((p) => /results\[0\]\.result\[[23]\]: result type "keypointlabels" does not fit/.test(p)), all.problems.join('\n'));
  });

  it('percent is of the item: original_width is used only when the item size is unknown', () => {
    const task = JSON.parse(readFileSync(fixture(...LS, 'test_export_yolo', 'data.json'), 'utf8'))[0];
    const r0 = task.annotations[0].result[0];
    const def = aDef('image-detection', ['parasites', 'white']);
    const fromOriginal = fromLsPrediction(def, { key: 'image1' }, { result: [r0] }, src).annotation;
    assert.deepEqual(fromOriginal, { kind: 'boxes', boxes: [{ label: 'parasites', x: 1040.4371584699454, y: 1978.8706739526413, w: 117.30418943533698, h: 132.6047358834244 }] });
    const half = fromLsPrediction(def, { key: 'image1', width: 1400, height: 1400 }, { result: [r0] }, src).annotation;
    assert.ok(half.kind === 'boxes' && Math.abs(half.boxes[0]!.x - 1040.4371584699454 / 2) < 1e-9);
  });

  it('a rotated image or rectangle is refused, naming the field', () => {
    const def = aDef('image-detection', ['cat']);
    const item = { key: 'a.jpg', width: 100, height: 100 };
    const region = { type: 'rectanglelabels', image_rotation: 90, value: { x: 1, y: 1, width: 5, height: 5, rectanglelabels: ['cat'] } };
    assert.throws(() => fromLsPrediction(def, item, { result: [region] }, src), (e: unknown) => {
      assert.ok(e instanceof LabelingError && e.reason === 'invalid-input');
      assert.match(e.message, /^http:\/\/backend\/predict: results\[0\]\.result\[0\]\.image_rotation: image_rotation 90 is not supported/);
      return true;
    });
    const turned = { ...region, image_rotation: 0, value: { ...region.value, rotation: 30 } };
    assert.throws(() => fromLsPrediction(def, item, { result: [turned] }, src), /result\[0\]\.value\.rotation: a rotated rectangle \(30°\)/);
  });

  it('malformed values name their field path', () => {
    const img = { key: 'a.jpg', width: 100, height: 100 };
    const cases: [ProjectType, unknown, RegExp][] = [
      ['image-detection', { result: [{ type: 'rectanglelabels', value: { x: 1, y: 'a', width: 1, height: 1, rectanglelabels: ['cat'] } }] }, /results\[0\]\.result\[0\]\.value\.y: must be a number \(got "a"\)/],
      ['image-segmentation', { result: [{ type: 'polygonlabels', value: { points: [[1, 2], [3, 4], [5]], polygonlabels: ['cat'] } }] }, /result\[0\]\.value\.points\[2\]: a point is \[x, y\]/],
      ['image-classification', { result: [{ type: 'choices', value: { choices: 'cat' } }] }, /result\[0\]\.value\.choices: must be a list of label names/],
      ['image-classification', { result: [{ type: 'choices' }] }, /result\[0\]: a result needs a "value" object/],
      ['image-classification', { result: 'cat' }, /results\[0\]\.result: "result" must be a list/],
      ['image-classification', 'cat', /results\[0\]: a prediction is an object/],
      ['text-ner', { result: [{ type: 'labels', value: { start: 5, end: 3, labels: ['cat'] } }] }, /result\[0\]\.value: a span needs whole offsets/],
      ['text-ner', { result: [{ type: 'labels', value: { start: 5, end: 300, labels: ['cat'] } }] }, /result\[0\]\.value\.end: span end 300 is past the end of the text/],
    ];
    for (const [type, pred, re] of cases) {
      const item = type === 'text-ner' ? { key: 't', text: TEXT } : img;
      assert.throws(() => fromLsPrediction(aDef(type, ['cat']), item, pred, src), re, `${type} ${JSON.stringify(pred)}`);
    }
  });

  it('labels the project does not have and extra classes of a single-label project are problems, never kept silently', () => {
    const item = { key: 'a.jpg', width: 10, height: 10 };
    const r = fromLsPrediction(aDef('image-classification', ['cat', 'dog']), item, { result: [{ type: 'choices', value: { choices: ['cow', 'dog', 'cat'] } }] }, src);
    assert.deepEqual(r.annotation, { kind: 'classes', labels: ['dog'] });
    assert.deepEqual(r.problems, ['results[0]: label(s) not in the project: "cow": skipped', 'results[0]: 2 classes for a single-label project: kept "dog"']);
  });

  it('a Python backend\'s code point offsets are converted when value.text shows them; a mismatch is a problem', () => {
    const text = '😀 Jane Smith';
    const def = aDef('text-ner', ['Person']);
    const cp = fromLsPrediction(def, { key: 't', text }, { result: [{ type: 'labels', value: { start: 2, end: 12, text: 'Jane Smith', labels: ['Person'] } }] }, src);
    assert.deepEqual(cp.annotation, { kind: 'spans', spans: [{ start: 3, end: 13, label: 'Person' }] });
    assert.deepEqual(cp.problems, []);
    const off = fromLsPrediction(def, { key: 't', text }, { result: [{ type: 'labels', value: { start: 3, end: 7, text: 'Smith', labels: ['Person'] } }] }, src);
    assert.deepEqual(off.annotation, { kind: 'spans', spans: [{ start: 3, end: 7, label: 'Person' }] });
    assert.match(off.problems[0]!, /value\.text "Smith" is not the text at 3-7 \("Jane"\): offsets kept/);
  });

  it('confidence: the prediction score, else the lowest region score; outside [0, 1] it is dropped with a problem', () => {
    const def = aDef('image-detection', ['cat']);
    const item = { key: 'a.jpg', width: 100, height: 100 };
    const box = (score: number): unknown => ({ type: 'rectanglelabels', score, value: { x: 1, y: 1, width: 5, height: 5, rectanglelabels: ['cat'] } });
    assert.equal(fromLsPrediction(def, item, { result: [box(0.9), box(0.6)] }, src).confidence, 0.6);
    const logit = fromLsPrediction(def, item, { result: [box(0.9)], score: 3.2 }, src);
    assert.equal(logit.confidence, undefined);
    assert.deepEqual(logit.problems, ['results[0].score: 3.2 is outside [0, 1]: no confidence kept']);
    assert.equal(fromLsPrediction(def, item, { result: [] }, src, 'from-answer').modelVersion, 'from-answer');
  });

  it('shapes of an image of unknown size are refused both ways', () => {
    const { annotation } = SAMPLES['image-detection'];
    assert.throws(() => toLsResult(aDef('image-detection', ['cat']), { key: 'a.jpg' }, annotation), /a\.jpg: the image size is unknown/);
    const region = { type: 'rectanglelabels', value: { x: 1, y: 1, width: 5, height: 5, rectanglelabels: ['cat'] } };
    assert.throws(() => fromLsPrediction(aDef('image-detection', ['cat']), { key: 'a.jpg' }, { result: [region] }, src), /the size of a\.jpg is unknown/);
  });
});

describe('Label Studio results <-> masks (semantic segmentation, bring your own model)', () => {
  const def = aDef('image-semantic-segmentation', ['car', 'road'], { ignoreLabel: 'void' });
  const item = { key: 'street.png', width: 8, height: 5 };
  const raster = (): { width: number; height: number; data: Uint8Array } => {
    const data = new Uint8Array(40);
    data.fill(1, 0, 12);
    data.fill(2, 32, 40);
    data[20] = 255;
    return { width: 8, height: 5, data };
  };
  const mask = { kind: 'mask' as const, classes: ['car', 'road', 'void'], width: 8, height: 5, blob: 'a'.repeat(64) };

  it('a mask goes out as brushlabels per class and comes back as the same raster', () => {
    const result = toLsResult(def, item, mask, raster()) as { type: string; from_name: string; to_name: string; value: { brushlabels: string[] } }[];
    assert.deepEqual(result.map((r) => [r.type, r.from_name, r.to_name, r.value.brushlabels[0]]), [['brushlabels', 'label', 'image', 'car'], ['brushlabels', 'label', 'image', 'road'], ['brushlabels', 'label', 'image', 'void']]);
    const back = fromLsPrediction(def, item, { result, score: 0.6, model_version: 'seg-1' }, src);
    assert.deepEqual(back.raster!.data, raster().data);
    assert.deepEqual([back.annotation, back.confidence, back.modelVersion, back.problems], [{ ...mask, blob: '' }, 0.6, 'seg-1', []]);
    assert.throws(() => toLsResult(def, item, mask), /a mask goes to the model with its raster/);
  });

  it('polygon results are filled into the mask over the brush; other types and labels are problems', () => {
    const brush = toLsResult(def, item, mask, { width: 8, height: 5, data: new Uint8Array(40).fill(1, 0, 8) });
    const poly = { type: 'polygonlabels', from_name: 'label', to_name: 'image', original_width: 8, original_height: 5, value: { points: [[50, 0], [100, 0], [100, 100], [50, 100]], polygonlabels: ['road'] } };
    const box = { type: 'rectanglelabels', value: { x: 0, y: 0, width: 10, height: 10, rectanglelabels: ['car'] } };
    const boat = { ...poly, value: { ...poly.value, polygonlabels: ['boat'] } };
    const back = fromLsPrediction(def, item, { result: [...brush, poly, box, boat] }, src);
    const rows = Array.from({ length: 5 }, (_, y) => [...back.raster!.data.subarray(y * 8, y * 8 + 8)].join(''));
    assert.deepEqual(rows, ['11112222', '00002222', '00002222', '00002222', '00002222']);
    assert.deepEqual(back.annotation.kind === 'mask' && back.annotation.classes, ['car', 'road']);
    assert.equal(back.problems.length, 2);
    assert.match(back.problems[0]!, /result\[2\]: result type "rectanglelabels" does not fit/);
    assert.match(back.problems[1]!, /result\[3\]: label "boat" is not in the project/);
  });
});
