/** Every id the extension contributes lives here; package.json must match (a test checks it). */

export const EXTENSION_ID = 'data-labeling.data-labeling';
export const OUTPUT_CHANNEL = 'Data Labeling';

export const Commands = {
  CreateProject: 'labeling.createProject',
  RefreshProjects: 'labeling.refreshProjects',
  ProjectDetails: 'labeling.projectDetails',
  ReviewLabels: 'labeling.reviewLabels',
  EditInstructions: 'labeling.editInstructions',
  OpenProjectFile: 'labeling.openProjectFile',
  ShowLog: 'labeling.showLog',
  RefreshProject: 'labeling.refreshProject',
  RebuildIndex: 'labeling.rebuildIndex',
  PauseProject: 'labeling.pauseProject',
  ResumeProject: 'labeling.resumeProject',
  TogglePause: 'labeling.togglePause',
  AddLabels: 'labeling.addLabels',
  ManageRoles: 'labeling.manageRoles',
  ComputeAgreement: 'labeling.computeAgreement',
  StartLabeling: 'labeling.startLabeling',
  OpenItem: 'labeling.openItem',
  LoadMore: 'labeling.loadMore',
  ExportLabels: 'labeling.exportLabels',
  ImportLabels: 'labeling.importLabels',
  ShowJobs: 'labeling.showJobs',
  // Review actions in the trees and the palette (commands/reviewCommands.ts)
  AcceptSkip: 'labeling.acceptSkip',
  ReturnSkip: 'labeling.returnSkip',
  ApproveItem: 'labeling.approveItem',
  RejectItem: 'labeling.rejectItem',
  RejectReturnItem: 'labeling.rejectReturnItem',
  OpenInReview: 'labeling.openInReview',
  NextToReview: 'labeling.nextToReview',
  // Assignment (commands/assignCommands.ts)
  AssignItems: 'labeling.assignItems',
  DistributeItems: 'labeling.distributeItems',
  UnassignItems: 'labeling.unassignItems',
  // ML assist (host/assist/)
  StartAssistTraining: 'labeling.startAssistTraining',
  PublishPrelabels: 'labeling.publishPrelabels',
  SetBackendCredentials: 'labeling.setBackendCredentials',
  ShowDashboard: 'labeling.showDashboard',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  Container: 'labeling',
  Projects: 'labeling.projects',
  Queue: 'labeling.queue',
  Skipped: 'labeling.skipped',
  NeedsReview: 'labeling.needsReview',
} as const;

export const ContextKeys = {
  HasProjects: 'labeling.hasProjects',
  /** Some project is paused: "Resume Project" is offered in the palette. */
  HasPausedProjects: 'labeling.hasPausedProjects',
  /** Some project is running: "Pause Project" is offered in the palette. */
  HasRunningProjects: 'labeling.hasRunningProjects',
  /** Every project is indexed and has no items: its sources match no files (the Queue's welcome says how to fix it). */
  NoData: 'labeling.noData',
} as const;

export const Settings = {
  Section: 'labeling',
  Labeler: 'labeling.labeler',
} as const;

/** Tree item contextValues; menus match them with `viewItem == x`. */
export enum ContextValue {
  Project = 'project',
  ProjectPaused = 'projectPaused',
  ProjectBroken = 'projectBroken',
  Item = 'item',
  SkippedItem = 'skippedItem',
  ReviewItem = 'reviewItem',
}

export const WebviewTypes = {
  Details: 'labeling.details',
  Labeler: 'labeling.labeler',
  Review: 'labeling.review',
  Dashboard: 'labeling.dashboard',
} as const;
