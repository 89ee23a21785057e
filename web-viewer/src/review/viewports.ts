/**
 * The two stack viewports of the review (the original, and the same image under its heatmap) on one rendering
 * engine, with the radiologist's mouse habits and everything linked: slice, window/level, pan and zoom.
 */
import { Enums, RenderingEngine, type Types } from '@cornerstonejs/core';
import {
  addTool, Enums as ToolEnums, PanTool, StackScrollTool, SynchronizerManager, synchronizers, ToolGroupManager, utilities as toolUtilities,
  WindowLevelTool, ZoomTool,
} from '@cornerstonejs/tools';

const ENGINE_ID = 'glassbox-review';
const TOOL_GROUP_ID = 'glassbox-review-tools';
let toolsAdded = false;

export interface ReviewViewports {
  original: Types.IStackViewport;
  heatmap: Types.IStackViewport;
  render(): void;
  /** After the elements changed size: keepCamera false fits the images anew. */
  resize(keepCamera: boolean): void;
  setIndex(index: number): Promise<void>;
  currentIndex(): number;
  setWindow(range: { lower: number; upper: number }): void;
  reset(): void;
  playCine(framesPerSecond: number): void;
  stopCine(): void;
  destroy(): void;
}

export async function createViewports(
  originalElement: HTMLDivElement, heatmapElement: HTMLDivElement, imageIds: string[], startIndex: number,
): Promise<ReviewViewports> {
  if (!toolsAdded) {
    [WindowLevelTool, PanTool, ZoomTool, StackScrollTool].forEach((tool) => addTool(tool));
    toolsAdded = true;
  }
  const engine = new RenderingEngine(ENGINE_ID);
  engine.setViewports([
    { viewportId: 'original', type: Enums.ViewportType.STACK, element: originalElement },
    { viewportId: 'heatmap', type: Enums.ViewportType.STACK, element: heatmapElement },
  ]);
  const original = engine.getViewport('original') as Types.IStackViewport;
  const heatmap = engine.getViewport('heatmap') as Types.IStackViewport;

  const tools = ToolGroupManager.createToolGroup(TOOL_GROUP_ID)!;
  [WindowLevelTool, PanTool, ZoomTool, StackScrollTool].forEach((tool) => tools.addTool(tool.toolName));
  const { MouseBindings } = ToolEnums;
  tools.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  tools.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  tools.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  tools.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  for (const viewportId of ['original', 'heatmap']) {
    tools.addViewport(viewportId, ENGINE_ID);
  }

  // Window/level and pan/zoom through Cornerstone's synchronizers; the slice by index, since both show one stack.
  const voi = synchronizers.createVOISynchronizer('glassbox-voi', { syncInvertState: false, syncColormap: false });
  const camera = synchronizers.createZoomPanSynchronizer('glassbox-zoompan');
  for (const sync of [voi, camera]) {
    for (const viewportId of ['original', 'heatmap']) {
      sync.add({ renderingEngineId: ENGINE_ID, viewportId });
    }
  }
  const follow = (from: Types.IStackViewport, to: Types.IStackViewport) => {
    from.element.addEventListener(Enums.Events.STACK_NEW_IMAGE, () => {
      const index = from.getCurrentImageIdIndex();
      if (to.getCurrentImageIdIndex() !== index) {
        void to.setImageIdIndex(index);
      }
    });
  };
  follow(original, heatmap);
  follow(heatmap, original);

  await Promise.all([original.setStack(imageIds, startIndex), heatmap.setStack(imageIds, startIndex)]);
  engine.render();

  return {
    original,
    heatmap,
    render: () => engine.render(),
    resize: (keepCamera) => engine.resize(true, keepCamera),
    setIndex: async (index) => {
      await Promise.all([original.setImageIdIndex(index), heatmap.setImageIdIndex(index)]);
    },
    currentIndex: () => heatmap.getCurrentImageIdIndex(),
    setWindow: (range) => {
      for (const viewport of [original, heatmap]) {
        viewport.setProperties({ voiRange: range });
        viewport.render();
      }
    },
    reset: () => {
      for (const viewport of [original, heatmap]) {
        viewport.resetProperties();
        viewport.resetCamera();
        viewport.render();
      }
    },
    playCine: (framesPerSecond) => toolUtilities.cine.playClip(heatmapElement, { framesPerSecond, loop: true }),
    stopCine: () => toolUtilities.cine.stopClip(heatmapElement),
    destroy: () => {
      toolUtilities.cine.stopClip(heatmapElement);
      ToolGroupManager.destroyToolGroup(TOOL_GROUP_ID);
      SynchronizerManager.destroySynchronizer(voi.id);
      SynchronizerManager.destroySynchronizer(camera.id);
      engine.destroy();
    },
  };
}
