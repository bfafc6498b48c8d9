/**
 * A project's labels as a Label Studio labeling config (the XML an ML backend receives as `schema` in
 * /setup and `label_config` in /predict). The names are the ones the Label Studio export writes
 * (formats/labelstudio-export.ts), so a backend's results, an export and this config agree:
 * object `text` / `image` (task data key of the same name), control `choice` for classes and `label`
 * for spans, boxes and polygons.
 */
import { isMultiLabel, mediaOf, type ProjectDef, type ProjectType } from '../../model';

/** The control (from_name) and object (to_name) names of a project type's config. */
export function lsNames(type: ProjectType): { from: 'choice' | 'label'; to: 'text' | 'image' } {
  return { from: controlOf(type).tag === 'Choices' ? 'choice' : 'label', to: mediaOf(type) };
}

function controlOf(type: ProjectType): { tag: 'Choices' | 'Labels' | 'RectangleLabels' | 'PolygonLabels' | 'BrushLabels'; child: 'Choice' | 'Label' } {
  switch (type) {
    case 'text-classification':
    case 'text-multilabel':
    case 'image-classification':
    case 'image-multilabel':
      return { tag: 'Choices', child: 'Choice' };
    case 'text-ner':
      return { tag: 'Labels', child: 'Label' };
    case 'image-detection':
      return { tag: 'RectangleLabels', child: 'Label' };
    case 'image-segmentation':
      return { tag: 'PolygonLabels', child: 'Label' };
    case 'image-semantic-segmentation':
      return { tag: 'BrushLabels', child: 'Label' };
  }
}

/** XML attribute value, quoted with `"`. */
export function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** The `<View>` labeling config of a project: its object tag and one control with every label. */
export function labelConfigXml(def: Pick<ProjectDef, 'type' | 'labels'>): string {
  const { tag, child } = controlOf(def.type);
  const { from, to } = lsNames(def.type);
  const object = to === 'text' ? `  <Text name="text" value="$text"/>` : `  <Image name="image" value="$image"/>`;
  const extra = tag === 'Choices' ? ` choice="${isMultiLabel(def.type) ? 'multiple' : 'single'}"` : '';
  const labels = def.labels.map((l) => `    <${child} value="${xmlAttr(l.name)}" background="${xmlAttr(l.color)}"/>`);
  return ['<View>', object, `  <${tag} name="${from}" toName="${to}"${extra}>`, ...labels, `  </${tag}>`, '</View>', ''].join('\n');
}
