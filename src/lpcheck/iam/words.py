"""Words of IAM action names in AWS's casing, to print catalog actions readably.

The action catalog (cfn-lint's ``Policies.json``) stores names in lowercase only. A suggestion such as
LP111's "did you mean ..." is easier to read as ``s3:ReplicateTags`` than ``s3:replicatetags``, so
``lpcheck.iam.grammar.recase`` splits a lowercase name into these words. The list holds the CamelCase
words of the ~9,800 action names that cfn-lint's resource schemas write in their handler
permissions (``"s3:CreateBucket"`` -> ``Create``, ``Bucket``), each in its most frequent casing
(``DB``, ``Vpc``). It only changes how a message looks, never what a rule decides; a name it cannot
split keeps the casing the user wrote.
"""

_TEXT = """
AC ACL AI Abac Abort Accelerate Accelerator Accelerators Accept Accepted Access Accessor
Accessors Account Accounts Acls Acme Action Actions Activate Activation Active Activities
Activity Ad Adapter Adapters Add Additional Addon Addons Address Addresses Admin Administrator
Administrators Agent Agents Aggregation Aggregator Aggregators Agreement Agreements Air Alarm
Alarms Alert Algorithm Algorithms Alias Aliases All Allocate Allocation Allocations Allow
Allowed Alter Analyses Analysis Analytics Analyzer Analyzers Anchor Anchors And Annotation
Anomaly Answer Anycast Api Apis App Appliance Application Applications Apply Approval Approved
Apps Aqua Archive Archives Archiving Arn Artifact Artifacts As Assertion Assertions Assessment
Assessments Asset Assets Assign Assignment Assignments Assistant Assistants Associate Associated
Association Associations Assume Attach Attached Attachment Attachments Attribute Attributes
Attribution Attributions Audit Audits Auth Authentication Authorities Authority Authorization
Authorizations Authorize Authorized Authorizer Authorizers Auto Autocomplete Automated Automatic
Automation Autonomous Autoshift Availability Available Aws Azure BGP Backend Backup Backups
Balancer Balancers Barcode Base Based Baseline Baselines Bases Batch Bearer Bias Bill Billing
Binary Binding Bindings Blob Block Blocks Blue Blueprint Blueprints Bootstrap Bot Bots Boundary
Branch Branches Brand Branding Brands Bridge Bridges Broker Brokers Browser Browsers Bucket
Buckets Budget Budgets Build Builder Builders Builds Bundle Bundles Bus Buses Business By CA
CORS Cache Cachedi Caches Calculate Calculated Calculator Calculators Calendar Call Caller
Campaign Campaigns Canaries Canary Cancel Capabilities Capability Capacity Capsule Card Cards
Carrier Case Cases Catalog Catalogs Categories Category Cell Cells Center Centralization
Certificate Certificates Challenge Change Channel Channels Check Checks Child Cidr Cidrs Cis
Claim Class Classifier Classifiers Client Clients Close Cloud Cluster Clusters Code Cognito
Collaboration Collaborations Collaborator Collaborators Collection Collections Columns Command
Commands Comment Commit Communication Compliance Component Components Composite Computation
Compute Concentrator Concentrators Concurrency Config Configs Configuration Configurations
Configure Configured Confirm Conformance Connect Connected Connection Connections Connectivity
Connector Connectors Connects Consent Constraint Constraints Consumer Consumers Contact Contacts
Container Content Contents Context Contexts Continuous Contributor Control Controllers Controls
Cookie Copy Core Cost Count Country Coverage Crawler Crawlers Create Creation Credential
Credentials Credit Crl Crls Cross Csr Custom Customer Customization Customizations Cycle DB
DNSSEC DRT Daemon Daemons Dashboard Dashboards Data Database Databases Dataflow Dataset Datasets
Datastore Datastores Deactivate Decoder Decrease Decrypt Dedicated Default Defined Definition
Definitions Delegated Delegation Delete Deletion Deliveries Delivery Deployment Deployments
Deprecate Deprovision Deregister Describe Description Descriptions Descriptor Destination
Destinations Detach Detailed Details Detect Detection Detections Detector Detectors Device
Devices Dhcp Dialer Dictionaries Dictionary Dimension Dimensions Direct Directories Directory
Dis Disable Disassociate Disassociation Discoverer Discoverers Discoveries Discovery Disk Disks
Display Dissociate Distributed Distribution Distributions Dkim Dlp Dns Document Documents Does
Domain Domains Download Downstream Draft Drop Dry Dynamic EC Ebs Efs Egress Elements Email
Emergency Enable Enabled Enclave Encoder Encrypt Encryption End Endpoint Endpoints Enforced
Engagement Engine Engines Enhanced Enrichment Entities Entitled Entitlement Entitlements Entity
Entries Entry Environment Environments Estimate Estimates Evaluation Evaluator Evaluators Event
Events Exadata Exclusion Exclusions Execute Execution Executions Exist Exit Experience
Experiences Experiment Experiments Expiration Expiry Explainability Explanation Export Exports
Express Extension Extensions External Extraction FHIR Failover Faq Faqs Fargate Farm Farms
Feature Featured Features Feed Feedback Feeds Field Fields File Files Filter Filters Finding
Findings Firewall Firewalls Fleet Fleets Flow Flows Flywheel Flywheels Folder Folders For Form
Formation Forms Fpga Framework Frameworks From Front Fsx Function Functions Fuota Game Gapped
Gateway Gateways Generate Generated Generator Generators Geocode Geofence Get Git Global Glue
Glyphs Goal Goals Grant Grants Graph Graphql Graphs Green Grid Group Grouping Groups Guardrail
Guardrails Ha Harness Harnesses Hdfs Head Headers Health Hierarchy Hold Holds Hook Hooks Host
Hosted Hosts Hours Http Hub Hubs Human Hypervisor Hypervisors Iam Id Idc Identifier Identifiers
Identities Identity Idp Ids Image Images Import Imported In Inactive Inbound Increase Index
Indexes Indexing Indices Inference Info Infrastructure Infrastructures Ingest Ingestion
Ingestions Ingress Initialize Inline Input Inputs Insight Insights Inspection Instance Instances
Instruction Instructions Instrumentation Integrated Integration Integrations Intel Intelligent
Intent Intents Interface Interfaces Intermediate Internet Interpreter Interpreters Inventory
Investigation Invitation Invitations Invite Invocation Invoice Invoke Ip Ipam Ipams Ips Ipv
Isolines Issue Issuer Item Items Job Jobs Journal Journey Journeys Kafka Key Keys Keyword
Keywords Kinesis Kms Knowledge LB LF Label Labels Lag Lags Lake Lambda Landing Launch Layer
Layout Layouts Legal Lens Lenses Level Levels Lexicon Lexicons Libraries Library License
Licenses Life Lifecycle Limit Limits Line Link Linked Links List Listener Listeners Lists Live
Load Local Locale Locales Location Locations Lock Locker Lockers Log Logger Loggers Logging
Logically Login Logs Ls Lustre MFA ML Machine Machines Macie Mail Maintenance Malware Manage
Managed Management Manager Managers Manifest Manifests Manual Map Mapping Mappings Maps Master
Matching Matchmaking Material Matrix Max Media Medical Member Members Membership Memberships
Memories Memory Merged Message Meta Metadata Metered Metering Method Methods Metric Metrics
Microsoft Microvm Migration Migrations Mirror Mission Mitigation Mlflow Mode Model Models
Moderator Modifications Modify Module Modules Monitor Monitoring Monitors Mount Move Mpa Multi
Multicast Multipart Multiplex Multiplexes Mutability Mute My Name Named Names Namespace
Namespaces Nat Nearby Network Networks Nfs No Node Nodegroup Nodegroups Nodes Notebook
Notification Notifications Notify Number Numbers O Oauth Object Objective Objectives Objects
Observability Observer Odb Of Offerings On Once Online Only Ontap Open Operation Operations
Operator Ops Opt Optimize Optimizer Option Options Or Organization Organizational Organizations
Origin Origination Origins Out Outbound Outcome Outcomes Outpost Outposts Output Outputs
Override Overrides Owner Owners Ownership POST Pack Package Packages Packaging Packs Page Pages
Pair Pairs Panel Panels Parallel Parameter Parameters Parent Parents Partition Partitions
Partner Partnership Partnerships Parts Party Pass Password Patch Path Paths Pattern Patterns
Pause Payer Payment Peer Peering Peerings Peers Pentest Pentests Peregrine Performance Period
Permission Permissions Permit Permits Phone Physical Pipe Pipeline Pipelines Pipes Place
Placement Plain Plaintext Plan Plans Playback Plugin Plugins Pod Point Points Policies Policy
Pool Pools Populate Port Portal Portals Portfolio Portfolios Ports Position Practice Predefined
Preference Preferences Prefetch Prefix Premises Prepare Prepared Preset Presets Pricing Primary
Principal Principals Priorities Privacy Private Proactive Processes Processing Processor
Processors Procurement Product Products Proficiencies Profile Profiles Profiling Program
Programs Progress Project Projects Promote Prompt Prompts Propagation Propagations Properties
Property Proposal Protect Protection Protections Protocols Provider Providers Provision
Provisioned Provisioning Proxies Proxy Public Publish Published Publisher Publishing Pull Put
Qev Quality Queries Query Queue Queues Quick Quota Quotas Rack Random Rate Rcs Re Read Readiness
Realtime Reasoning Rebalance Rebalancing Reboot Receipt Recipe Recipes Recognizer Recognizers
Recommendation Recommender Recommenders Record Recorder Recorders Recording Records Recovery
Recursion Redshift Reference References Refresh Regex Region Regional Regions Register
Registered Registration Registrations Registries Registry Reject Related Relation Relational
Relationship Relay Relays Release Remediation Remove Rename Reorder Replace Replica Replicas
Replicate Replication Replicator Replicators Report Reports Repositories Repository Reputation
Request Requester Requests Requirement Requirements Rescore Reservation Reservations Reset
Resiliency Resize Resolver Resolvers Resource Resources Responder Response Responses
Responsibility Rest Restore Restriction Results Resume Retention Retirable Retire Retrieval
Retriever Retrievers Reusable Reverse Review Revision Revisions Revocations Revoke Risk Roads
Robot Robots Role Roles Rollback Room Rooms Roots Rotate Rotation Rotations Route Router Routers
Routes Routing Rule Rules Ruleset Rulesets Rum Run Runs Runtime Runtimes S SAML SCSI SSL Safety
Sampling Savings Sbom Scalable Scaling Scan Scanning Scenario Scenarios Scene Scenes Schedule
Scheduled Scheduler Schedulers Schedules Schema Schemas Scope Scoped Scopes Scram Scraper
Scrapers Script Scripts Sdi Search Secondary Secret Secrets Security Segment Select Selection
Selections Selfservice Send Sender Sending Sensitive Sequence Server Serverless Servers Service
Services Session Sessions Set Sets Setting Settings Shadow Shard Share Shared Shares Sign Signal
Signaling Signals Signing Simulation Simulations Single Sink Sinks Sip Site Sites Size Slack
Slot Slots Smb Snap Snapshot Snapshots Software Solution Solutions Source Sources Space Spaces
Specification Specifications Spending Spot Sprites Sql Ssh Sso Stabilization Stack Stacks Stage
Stages Staging Standards Standby Start State Statement Statements States Static Status Statuses
Steps Stickiness Stop Storage Store Stored Stores Strategies Strategy Stream Streaming Streams
Structure Studio Studios Style Subnet Subnets Subscribe Subscriber Subscribers Subscription
Subscriptions Subtype Suggest Suggestions Suite Summary Support Suppression Suspend Sync
Synchronization Synchronize System Systems TLS Table Tables Tag Tagging Tags Tape Tapes Target
Targets Task Tasks Team Teams Tel Telemetry Template Templates Tenancy Tenant Tenants Terminate
Termination Terminologies Terminology Terms Test Testing Text Theme Themes Thesauri Thesaurus
Thing Things Third Threat Through Throughput Thumbprint Tier Tiering Tile Time Timer To Token
Tokens Topic Topics Trace Tracker Trackers Tracking Traffic Training Transfer Transform
Transformation Transformer Transformers Transforms Transit Transition Trial Trigger Triggers
Trust Trusted Tti Tunnel Tunnels Type Types Ui Uis Un Unassign Unauthorize Unit Units Unlock
Unmonitor Unsubscribe Untag Update Updates Upgrade Upload Uploads Url Usage Use User Users Using
Utilization Utterances V VPCE Validate Validation Validations Value Values Variable Variables
Variant Vault Vaults Vdm Vector Vehicle Vehicles Vended Verification Verifications Verified
Verify Version Versioning Versions Vgw Via Video View Views Virtual Visibility Vm Vocabularies
Vocabulary Vod Voice Volume Volumes Vpc Vpcs Vpn Warm Watch Waypoints Web Webhook Webhooks
Website Whats Window Windows Wireless With Without Witness Work Worker Workers Workflow
Workflows Workforce Workforces Workgroup Workgroups Workload Workloads Workspace Workspaces
Workteam Workteams Write Zfs Zonal Zone Zones
"""

WORDS: tuple[str, ...] = tuple(_TEXT.split())
